package io.director.client.template;

import io.pebbletemplates.pebble.error.ParserException;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.lexer.TokenStream;
import io.pebbletemplates.pebble.node.BodyNode;
import io.pebbletemplates.pebble.node.IfNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.Expression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.parser.StoppingCondition;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import io.pebbletemplates.pebble.utils.Pair;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code if} tag with Jinja's spelling and truth: {@code elif} (Pebble only knows
 * {@code elseif}, which is kept), and conditions that are lists, maps or null are false when
 * empty or null instead of an error. Builds Pebble's own {@link IfNode}.
 */
final class JinjaIfTokenParser implements TokenParser {

    private static final StoppingCondition BRANCH_END =
            token -> token.test(Token.Type.NAME, "elif", "elseif", "else", "endif");
    private static final StoppingCondition ELSE_END = token -> token.test(Token.Type.NAME, "endif");

    @Override
    public String getTag() {
        return "if";
    }

    @Override
    public RenderableNode parse(Token token, Parser parser) {
        TokenStream stream = parser.getStream();
        stream.next();
        List<Pair<Expression<?>, BodyNode>> branches = new ArrayList<>();
        branches.add(branch(parser));
        BodyNode elseBody = null;
        while (true) {
            Token current = stream.current();
            String tag = current.getValue();
            if ("elif".equals(tag) || "elseif".equals(tag)) {
                stream.next();
                branches.add(branch(parser));
            } else if ("else".equals(tag)) {
                stream.next();
                stream.expect(Token.Type.EXECUTE_END);
                elseBody = parser.subparse(ELSE_END);
            } else if ("endif".equals(tag)) {
                stream.next();
                stream.expect(Token.Type.EXECUTE_END);
                return new IfNode(token.getLineNumber(), branches, elseBody);
            } else {
                throw new ParserException(null, "missing {% endif %} for the if at line " + token.getLineNumber(),
                        current.getLineNumber(), stream.getFilename());
            }
        }
    }

    /** Parses {@code CONDITION %} BODY} up to the next branch tag. */
    private static Pair<Expression<?>, BodyNode> branch(Parser parser) {
        Expression<?> condition = parser.getExpressionParser().parseExpression();
        parser.getStream().expect(Token.Type.EXECUTE_END);
        return new Pair<>(new JinjaTruthExpression(condition), parser.subparse(BRANCH_END));
    }
}
