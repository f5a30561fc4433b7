package io.director.server.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.director.dsl.wire.ProtocolException;
import io.director.dsl.wire.WireCodec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz properties of {@link ApiRequest#decode}, which reads every request frame on the UNIX
 * socket: random bytes and byte- and tree-mutants of a valid request of every kind decode to a
 * request whose lists hold no nulls, or are refused with a {@link ProtocolException} whose reason
 * is one short line, within a time bound; never any other exception.
 */
class ApiRequestFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final List<String> OPS = Arrays.stream(ApiRequest.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name).toList();

    /** A valid request of every kind, as the CLI sends them. */
    static final List<ApiRequest> SEEDS = List.of(
            new ApiRequest.Submit(List.of(
                    new ApiRequest.JobSubmission("RUN", "--timeout 5 echo hi", "hello", List.of("web-1", "web-2")),
                    new ApiRequest.JobSubmission("ADD", "files/app.conf /etc/", null, List.of(), "parent/async",
                            "/srv/orchestrations"),
                    new ApiRequest.JobSubmission("JAIL", "--template busybox --project shop create shop1", null,
                            List.of("label:role=web", "web-*"), null, "/srv/orchestrations",
                            io.director.dsl.placement.Placement.scale(1, 3, 0.8, 0.9, 60L), "block-0-1")),
                    "/home/ops", true),
            new ApiRequest.Plan(List.of(new ApiRequest.JobSubmission("ECHO", "hi", null, List.of())), null),
            new ApiRequest.ListNodes(),
            new ApiRequest.ListJobs("failed"),
            new ApiRequest.JobInfo("last"),
            new ApiRequest.JobStatus(List.of("3f1c9a52-0d55-4a4e-9d0f-6f2b1c1f9e10", "x"), true),
            new ApiRequest.PurgeJobs(),
            new ApiRequest.PurgeNodes(),
            new ApiRequest.ListKeys(),
            new ApiRequest.ChangeKey("accept", "web-1", "SHA256:3f1c9a52"),
            new ApiRequest.ListWorkloads("shop"),
            new ApiRequest.DestroyProject("shop"),
            new ApiRequest.ListDeployments(),
            new ApiRequest.DropDeployment("3f1c9a52"));

    static final List<byte[]> ENCODED_SEEDS = SEEDS.stream().map(ApiRequestFuzzTest::encode).toList();

    static byte[] encode(Object request) {
        try {
            return WireCodec.mapper().writeValueAsBytes(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Example
    void theSeedsAreValidAndCoverEveryRequest() throws ProtocolException {
        assertEquals(new TreeSet<>(OPS), ENCODED_SEEDS.stream().map(ApiRequestFuzzTest::op)
                .collect(Collectors.toCollection(TreeSet::new)), "add a seed for every new request");
        for (int i = 0; i < SEEDS.size(); i++) {
            assertEquals(SEEDS.get(i), ApiRequest.decode(ENCODED_SEEDS.get(i)));
        }
    }

    private static String op(byte[] request) {
        try {
            return TREES.readTree(request).get("op").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- the properties

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void randomBytesAreRefusedClearly(@ForAll @Size(max = 300) byte[] frame) {
        Statistics.collect(outcome(frame));
    }

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void byteMutantsOfValidRequestsDecodeOrAreRefusedClearly(@ForAll("byteMutants") Frame frame) {
        Statistics.collect(outcome(frame.bytes()));
        Statistics.coverage(checker -> {
            checker.check("decoded").percentage(p -> p > 1);
            checker.check("refused").percentage(p -> p > 30);
        });
    }

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void structuralMutantsOfValidRequestsDecodeOrAreRefusedClearly(@ForAll("treeMutants") Frame frame) {
        Statistics.collect(outcome(frame.bytes()));
        Statistics.coverage(checker -> {
            checker.check("decoded").percentage(p -> p > 5);
            checker.check("refused").percentage(p -> p > 10);
        });
    }

    // ---------------------------------------------------------------- checking one frame

    static String outcome(byte[] frame) {
        Object result = assertTimeoutPreemptively(BOUND, () -> {
            try {
                return ApiRequest.decode(frame);
            } catch (ProtocolException e) {
                return e;
            }
        }, () -> "decoding did not end within " + BOUND + ": " + new String(frame, StandardCharsets.UTF_8));
        if (result instanceof ProtocolException refused) {
            assertClearReason(refused.getMessage());
            assertTrue(refused.getMessage().startsWith("malformed request: ")
                    || refused.getMessage().startsWith("request of ")
                    || refused.getMessage().equals("empty request"), refused.getMessage());
            return "refused";
        }
        assertWellFormed((ApiRequest) result);
        return "decoded";
    }

    /** What the API service may rely on: lists are there and hold no nulls. */
    static void assertWellFormed(ApiRequest request) {
        assertNotNull(request);
        List<ApiRequest.JobSubmission> jobs = request instanceof ApiRequest.Submit submit ? submit.jobs()
                : request instanceof ApiRequest.Plan plan ? plan.jobs() : List.of();
        assertNotNull(jobs);
        for (ApiRequest.JobSubmission job : jobs) {
            assertNotNull(job, "a null job in " + request);
            assertNotNull(job.targets());
            job.targets().forEach(target -> assertNotNull(target, "a null target in " + request));
        }
        if (request instanceof ApiRequest.JobStatus status) {
            assertNotNull(status.jobIds());
            status.jobIds().forEach(id -> assertNotNull(id, "a null job id in " + request));
        }
    }

    static void assertClearReason(String reason) {
        assertNotNull(reason);
        assertFalse(reason.isBlank());
        assertTrue(reason.length() <= 300, () -> "reason of " + reason.length() + " characters: " + reason);
        assertTrue(reason.chars().noneMatch(Character::isISOControl), () -> "control character in: " + reason);
    }

    // ---------------------------------------------------------------- generators

    private static final byte[] SPECIAL_BYTES = "{}[]\",:\\0-e.ntf \u0000".getBytes(StandardCharsets.UTF_8);

    /**
     * A frame, reported by how it was made: a failing sample of megabytes reported byte by byte
     * would take the test run minutes.
     */
    record Frame(byte[] bytes, String how) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
            return how + ", giving " + bytes.length + " bytes: " + text.replaceAll("\\p{Cntrl}", "?");
        }
    }

    private static String how(byte[] seed, List<int[]> edits) {
        return "seed " + ENCODED_SEEDS.indexOf(seed) + " (" + op(seed) + ") with "
                + edits.stream().map(Arrays::toString).collect(Collectors.joining(", "));
    }

    @Provide
    Arbitrary<Frame> byteMutants() {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(1, 32)).as((kind, at, value, length) -> new int[] {kind, at, value, length});
        return Combinators.combine(Arbitraries.of(ENCODED_SEEDS), edit.list().ofMinSize(1).ofMaxSize(5))
                .as((seed, edits) -> new Frame(applyByteEdits(seed, edits), how(seed, edits)));
    }

    static byte[] applyByteEdits(byte[] seed, List<int[]> edits) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : seed) {
            bytes.add(b);
        }
        for (int[] edit : edits) {
            int at = bytes.isEmpty() ? 0 : edit[1] % bytes.size();
            int end = Math.min(bytes.size(), at + edit[3]);
            switch (edit[0]) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) (bytes.get(at) ^ (1 << (edit[2] % 8))));
                    }
                }
                case 1 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, SPECIAL_BYTES[edit[2] % SPECIAL_BYTES.length]);
                    }
                }
                case 2 -> bytes.add(at, (byte) edit[2]);
                case 3 -> bytes.subList(at, end).clear();
                default -> bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
            }
        }
        byte[] frame = new byte[bytes.size()];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = bytes.get(i);
        }
        return frame;
    }

    @Provide
    Arbitrary<Frame> treeMutants() {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().greaterOrEqual(0), Arbitraries.frequencyOf(
                        Tuple.of(6, Arbitraries.integers().between(0, 40)),
                        Tuple.of(1, Arbitraries.integers().between(40, 100_000))))
                .as((kind, target, size) -> new int[] {kind, target, size});
        return Combinators.combine(Arbitraries.of(ENCODED_SEEDS), edit.list().ofMinSize(1).ofMaxSize(3))
                .as((seed, edits) -> new Frame(applyTreeEdits(seed, edits), how(seed, edits)));
    }

    /** Edits of a request's JSON: a value dropped, nulled, of another type, huge, deep, or the op changed. */
    static byte[] applyTreeEdits(byte[] seed, List<int[]> edits) {
        ObjectNode root;
        try {
            root = (ObjectNode) TREES.readTree(seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int[] edit : edits) {
            List<JsonNode[]> slots = new ArrayList<>();
            collect(root, slots);
            if (slots.isEmpty()) {
                root.set("jobs", NODES.arrayNode().addNull());
                continue;
            }
            JsonNode[] slot = slots.get(edit[1] % slots.size());
            int size = edit[2];
            switch (edit[0]) {
                case 0 -> remove(slot);
                case 1 -> set(slot, NODES.nullNode());
                case 2 -> set(slot, List.<JsonNode>of(NODES.textNode("x" + size), NODES.numberNode(size),
                        NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(), NODES.arrayNode().addNull(),
                        NODES.numberNode(size + 0.5)).get(size % 7));
                case 3 -> set(slot, NODES.textNode("\u00e9\n\"".repeat(size / 3 + 1)));
                case 4 -> set(slot, new POJONode(new RawValue("[".repeat(size) + "]".repeat(size))));
                case 5 -> set(slot, new POJONode(new RawValue("1e" + (size + 300))));
                case 6 -> root.put("op", OPS.get(size % OPS.size()));
                default -> { // a list of many copies, a few MB at most
                    ArrayNode copies = NODES.arrayNode();
                    int copiesFit = 4_000_000 / (slot[2].toString().length() + 1);
                    for (int i = 0; i < Math.min(Math.min(size, 10_000), copiesFit); i++) {
                        copies.add(slot[2]);
                    }
                    set(slot, copies);
                }
            }
        }
        try {
            return TREES.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Slots as {parent, field name as text node or index as number node, value}. */
    private static void collect(JsonNode node, List<JsonNode[]> slots) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                slots.add(new JsonNode[] {node, NODES.textNode(name), node.get(name)});
                collect(node.get(name), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(new JsonNode[] {node, NODES.numberNode(i), node.get(i)});
                collect(node.get(i), slots);
            }
        }
    }

    private static void set(JsonNode[] slot, JsonNode value) {
        if (slot[1].isTextual()) {
            ((ObjectNode) slot[0]).set(slot[1].asText(), value);
        } else {
            ((ArrayNode) slot[0]).set(slot[1].asInt(), value);
        }
    }

    private static void remove(JsonNode[] slot) {
        if (slot[1].isTextual()) {
            ((ObjectNode) slot[0]).remove(slot[1].asText());
        } else {
            ((ArrayNode) slot[0]).remove(slot[1].asInt());
        }
    }
}
