package io.director.dsl.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
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
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz properties of {@link WireCodec#decode}, which reads every frame a peer sends on the job
 * and transfer ports: random bytes, random JSON and mutated valid messages of every type must
 * decode to a message or be refused with a {@link ProtocolException} whose reason is one short
 * line, within a time bound; any other exception, an error or a hang fails the property.
 * Inputs they found that broke a rule are kept as examples in WireCodecTest.
 */
class WireCodecFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    /** A plain mapper to build mutants with; the codec's own is what is under test. */
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> TYPE_NAMES = Arrays.stream(
            Message.class.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::name).toList();

    /** Every field name a valid message can hold, in wire spelling, nested records included. */
    private static final List<String> FIELD_NAMES = fieldNames();

    private static final List<Message> SEEDS = validMessages();
    private static final List<byte[]> ENCODED_SEEDS = SEEDS.stream().map(WireCodec::encode).toList();

    // ---------------------------------------------------------------- the valid seeds

    static List<Message> validMessages() {
        try {
            JobDefinition run = JobParser.standard().parse("RUN", "--timeout 5 --retry 2 --name build echo \"a b\"");
            JobDefinition jail = JobParser.standard().parse("JAIL",
                    "--template busybox --mount /srv/www:/www:ro --mount /a:/b --cpus 0.5 --autostart create web");
            JobDefinition add = JobParser.standard().parse("ADD", "--chmod 0640 --blueprint files/app.conf /etc/");
            Job runJob = new Job("job-1", "parent-1", "build", run, Fingerprint.of(run));
            Job jailJob = new Job("job-2", "parent-1", null, jail, Fingerprint.of(jail), "parent-1/async", List.of());
            Job addJob = new Job("job-3", "parent-1", "conf", add, Fingerprint.of(add), Job.MAIN_QUEUE,
                    List.of(new TransferFile("/srv/files/app.conf", 12, "ab".repeat(32), 0640)));
            Map<String, Object> answers = new LinkedHashMap<>();
            answers.put("web-1", "10.0.0.1");
            answers.put("web-2", null);
            answers.put("db-1", Map.of("port", 5432, "tags", List.of("a", "b")));
            return List.of(
                    new Message.Hello(1, "web-1", "m-1", "0.1.0", Map.of("role", "web"), 1234L, "abcd", "proof",
                            Map.of("os", "linux")),
                    new Message.Welcome(1, "0.1.0", 5000L, 1024),
                    new Message.Refused("identity held by another machine", true),
                    new Message.HelloRequired("server restarted"),
                    new Message.Heartbeat(42L),
                    new Message.HeartbeatAck(43L),
                    new Message.Dispatch(runJob),
                    new Message.Dispatch(jailJob),
                    new Message.Dispatch(addJob),
                    new Message.Started("job-1", 44L),
                    new Message.Result(new JobResult("job-1", NodeState.FAILED, 2, "out\n", "err\n",
                            "timeout after 5 s", 5.25, 1_700_000_000_000L, 1_700_000_005_250L)),
                    new Message.ResultAck("job-1"),
                    new Message.QueryValue("job-4", Map.of("nested", List.of(1, "x", true))),
                    new Message.QueryAnswer("job-4", "address", answers),
                    new Message.PlanRequest("plan-1", List.of(runJob, addJob)),
                    new Message.PlanReply("plan-1", List.of("run", "cached")),
                    new Message.ChunkRequest("web-1", "job-3", "/srv/files/app.conf", 0, TransferChunks.CHUNK_BYTES),
                    new Message.Chunk("job-3", "/srv/files/app.conf", 0, 12, 0xE3069283L, null),
                    Message.Chunk.refused("job-3", "/etc/passwd", 0, "not a file of job job-3 on this node"),
                    new Message.Error("not understood"));
        } catch (DslException e) {
            throw new IllegalStateException("a seed job line is invalid: " + e.getMessage(), e);
        }
    }

    private static List<String> fieldNames() {
        Set<String> names = new TreeSet<>();
        List<Class<?>> records = new ArrayList<>(Arrays.stream(Message.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::value).toList());
        records.addAll(List.of(Job.class, JobResult.class, TransferFile.class, JobDefinition.class));
        for (Class<?> type : records) {
            for (RecordComponent component : type.getRecordComponents()) {
                names.add(component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT));
            }
        }
        names.add("type");
        return List.copyOf(names);
    }

    @Example
    void theSeedsAreValidAndCoverEveryMessageType() throws ProtocolException {
        assertEquals(new TreeSet<>(TYPE_NAMES), SEEDS.stream().map(WireCodec::typeName)
                .collect(Collectors.toCollection(TreeSet::new)), "add a seed for every new message type");
        for (Message seed : SEEDS) {
            assertEquals(seed, WireCodec.decode(WireCodec.encode(seed)));
        }
    }

    // ---------------------------------------------------------------- the properties

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void randomBytesAreRefusedClearly(@ForAll @Size(max = 400) byte[] frame) {
        Statistics.collect(outcome(frame));
    }

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void randomJsonishTextIsRefusedClearly(@ForAll("jsonishText") String text) {
        Statistics.collect(outcome(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void randomMessageShapedJsonDecodesOrIsRefusedClearly(@ForAll("messageShapedJson") JsonNode message) {
        Statistics.collect(outcome(bytes(message)));
    }

    @Property(tries = 2000)
    @StatisticsReport(onFailureOnly = true)
    void byteMutantsOfValidMessagesDecodeOrAreRefusedClearly(@ForAll("byteMutants") Frame frame) {
        Statistics.collect(outcome(frame.bytes()));
        Statistics.coverage(checker -> {
            checker.check("decoded").percentage(p -> p > 1);
            checker.check("refused").percentage(p -> p > 30);
        });
    }

    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void structuralMutantsOfValidMessagesDecodeOrAreRefusedClearly(@ForAll("treeMutants") Frame frame) {
        Statistics.collect(outcome(frame.bytes()));
        Statistics.coverage(checker -> {
            checker.check("decoded").percentage(p -> p > 5);
            checker.check("refused").percentage(p -> p > 20);
        });
    }

    // ---------------------------------------------------------------- checking one frame

    /**
     * Decodes one frame within the time bound. A message must encode again to an equal one (a
     * decoded message is re-sent, stored and logged); a refusal must have a short one-line
     * reason. Anything else thrown fails the property as it is.
     */
    static String outcome(byte[] frame) {
        Object result = assertTimeoutPreemptively(BOUND, () -> {
            try {
                return WireCodec.decode(frame);
            } catch (ProtocolException e) {
                return e;
            }
        }, () -> "decoding did not end within " + BOUND + ": " + preview(frame));
        if (result instanceof ProtocolException refused) {
            assertClearReason(refused.getMessage());
            return "refused";
        }
        Message message = (Message) result;
        assertNotNull(message);
        try {
            assertEquals(message, WireCodec.decode(WireCodec.encode(message)), "a decoded message encodes back");
        } catch (ProtocolException e) {
            throw new AssertionError("a decoded message does not decode again: " + e.getMessage(), e);
        }
        return "decoded";
    }

    /** A reason a log line and an error reply can carry as it is: short, one line, no control characters. */
    static void assertClearReason(String reason) {
        assertNotNull(reason, "a refusal needs a reason");
        assertFalse(reason.isBlank(), "a refusal needs a reason");
        assertTrue(reason.length() <= 300, () -> "reason of " + reason.length() + " characters: " + reason);
        assertTrue(reason.chars().noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'),
                () -> "reason with a control character: " + reason.replaceAll("\\p{Cntrl}", "^"));
    }

    private static String preview(byte[] frame) {
        String text = new String(frame, 0, Math.min(frame.length, 160), StandardCharsets.UTF_8);
        return frame.length + " bytes: " + text.replaceAll("\\p{Cntrl}", "?") + (frame.length > 160 ? "…" : "");
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return TREES.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> jsonishText() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 \\/tfnrulas_\u00e9\u0000")
                .ofMaxLength(200);
        Arbitrary<String> withType = Combinators.combine(Arbitraries.of(TYPE_NAMES), noise)
                .as((type, rest) -> "{\"type\":\"" + type + "\"" + rest);
        return Arbitraries.oneOf(noise, withType);
    }

    @Provide
    Arbitrary<JsonNode> messageShapedJson() {
        Arbitrary<String> type = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(TYPE_NAMES)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
        return Combinators.combine(type, fields(3)).as((name, fields) -> {
            ObjectNode node = NODES.objectNode();
            node.put("type", name);
            fields.forEach(node::set);
            return node;
        });
    }

    /** Known field names (now and then an unknown one) with random values. */
    private static Arbitrary<Map<String, JsonNode>> fields(int depth) {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.of(FIELD_NAMES)),
                Tuple.of(1, Arbitraries.strings().alpha().ofMaxLength(8)));
        return Arbitraries.maps(name, Arbitraries.lazy(() -> values(depth))).ofMaxSize(8);
    }

    private static Arbitrary<JsonNode> values(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.integers().between(-2, 70_000).map(NODES::numberNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.bigIntegers().between(java.math.BigInteger.ONE.shiftLeft(63),
                        java.math.BigInteger.ONE.shiftLeft(200)).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.strings().ofMaxLength(24).map(NODES::textNode),
                Arbitraries.of(List.of("success", "failed", "processing", "queued", "RUN", "main", "run", "job-1"))
                        .map(NODES::textNode));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> values(depth - 1)).list().ofMaxSize(4)
                .map(items -> NODES.arrayNode().addAll(items));
        Arbitrary<JsonNode> object = fields(depth - 1).map(map -> {
            ObjectNode node = NODES.objectNode();
            map.forEach(node::set);
            return node;
        });
        return Arbitraries.frequencyOf(Tuple.of(6, leaf), Tuple.of(1, array), Tuple.of(2, object));
    }

    /** One edit of a frame's bytes; positions wrap around the frame's length. */
    record ByteEdit(int kind, int position, int value, int length) {
    }

    private static final byte[] SPECIAL_BYTES = "{}[]\",:\\0-e.ntf \u0000".getBytes(StandardCharsets.UTF_8);

    /**
     * A frame, reported by how it was made: a failing sample of megabytes reported byte by byte
     * would take the test run minutes.
     */
    record Frame(byte[] bytes, String how) {
        @Override
        public String toString() {
            return how + ", giving " + preview(bytes);
        }
    }

    @Provide
    Arbitrary<Frame> byteMutants() {
        Arbitrary<ByteEdit> edit = Combinators.combine(
                Arbitraries.integers().between(0, 6),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(1, 64)).as(ByteEdit::new);
        return Combinators.combine(Arbitraries.of(ENCODED_SEEDS), edit.list().ofMinSize(1).ofMaxSize(6))
                .as((seed, edits) -> new Frame(applyByteEdits(seed, edits), seedName(seed) + " with " + edits));
    }

    static byte[] applyByteEdits(byte[] seed, List<ByteEdit> edits) {
        List<Byte> bytes = new ArrayList<>(seed.length);
        for (byte b : seed) {
            bytes.add(b);
        }
        for (ByteEdit edit : edits) {
            int at = bytes.isEmpty() ? 0 : edit.position() % bytes.size();
            switch (edit.kind()) {
                case 0 -> { // flip one bit
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) (bytes.get(at) ^ (1 << (edit.value() % 8))));
                    }
                }
                case 1 -> { // overwrite with a byte that means something to JSON
                    if (!bytes.isEmpty()) {
                        bytes.set(at, SPECIAL_BYTES[edit.value() % SPECIAL_BYTES.length]);
                    }
                }
                case 2 -> bytes.add(at, (byte) edit.value()); // insert any byte
                case 3 -> { // delete a run
                    int end = Math.min(bytes.size(), at + edit.length());
                    bytes.subList(at, end).clear();
                }
                case 4 -> { // duplicate a run
                    int end = Math.min(bytes.size(), at + edit.length());
                    bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
                }
                case 5 -> bytes.subList(at, bytes.size()).clear(); // truncate
                default -> { // swap two bytes
                    if (!bytes.isEmpty()) {
                        int other = (at + edit.length()) % bytes.size();
                        Byte b = bytes.get(at);
                        bytes.set(at, bytes.get(other));
                        bytes.set(other, b);
                    }
                }
            }
        }
        byte[] frame = new byte[bytes.size()];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = bytes.get(i);
        }
        return frame;
    }

    /** One edit of a message's JSON tree, at the {@code target}-th value (wrapping around). */
    record TreeEdit(int kind, int target, int size) {
    }

    @Provide
    Arbitrary<Frame> treeMutants() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 50)),
                Tuple.of(2, Arbitraries.integers().between(50, 5_000)),
                Tuple.of(1, Arbitraries.integers().between(5_000, 300_000)));
        Arbitrary<TreeEdit> edit = Combinators.combine(
                Arbitraries.integers().between(0, 9), Arbitraries.integers().greaterOrEqual(0), size)
                .as(TreeEdit::new);
        return Combinators.combine(Arbitraries.of(ENCODED_SEEDS), edit.list().ofMinSize(1).ofMaxSize(3))
                .as((seed, edits) -> new Frame(applyTreeEdits(seed, edits), seedName(seed) + " with " + edits));
    }

    /** Which seed a mutant started from: its place in the list and its type. */
    private static String seedName(byte[] seed) {
        int index = ENCODED_SEEDS.indexOf(seed);
        return "seed " + index + " (" + WireCodec.typeName(SEEDS.get(index)) + ")";
    }

    /** A place in a tree: an object's field or an array's element. */
    private record Slot(JsonNode parent, String field, int index) {
        JsonNode get() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) parent).set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (field != null) {
                ((ObjectNode) parent).remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private static List<Slot> slots(JsonNode root) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        return slots;
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                slots.add(new Slot(node, name, -1));
                collect(node.get(name), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(new Slot(node, null, i));
                collect(node.get(i), slots);
            }
        }
    }

    static byte[] applyTreeEdits(byte[] seed, List<TreeEdit> edits) {
        ObjectNode root;
        try {
            root = (ObjectNode) TREES.readTree(seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (TreeEdit edit : edits) {
            List<Slot> slots = slots(root);
            if (slots.isEmpty()) {
                break;
            }
            Slot slot = slots.get(edit.target() % slots.size());
            int size = edit.size();
            switch (edit.kind()) {
                case 0 -> slot.remove();
                case 1 -> slot.set(NODES.nullNode());
                case 2 -> slot.set(otherType(slot.get(), size));
                case 3 -> slot.set(NODES.textNode("\u00e9x\"\\\n".repeat(size / 5 + 1)));
                case 4 -> slot.set(raw("[".repeat(size) + "]".repeat(size)));
                case 5 -> slot.set(raw("{\"a\":".repeat(size) + "1" + "}".repeat(size)));
                case 6 -> slot.set(raw(List.of("1" + "0".repeat(size), "1e" + size, "-0.0e-" + size,
                        "9223372036854775808", "-2147483649", "1.5").get(size % 6)));
                case 7 -> { // a long array of copies, a few MB at most
                    ArrayNode copies = NODES.arrayNode();
                    // Measured as written: a raw value's toString() does not show its length.
                    int copiesFit = 4_000_000 / (bytes(slot.get()).length + 1);
                    for (int i = 0; i < Math.min(Math.min(size, 20_000), copiesFit); i++) {
                        copies.add(slot.get());
                    }
                    slot.set(copies);
                }
                case 8 -> { // the same fields under another message type
                    root.put("type", TYPE_NAMES.get(size % TYPE_NAMES.size()));
                }
                default -> { // a field renamed to another known (or an unknown) name
                    if (slot.field() != null) {
                        JsonNode value = slot.get();
                        slot.remove();
                        String name = size % 7 == 0 ? "x" + size : FIELD_NAMES.get(size % FIELD_NAMES.size());
                        ((ObjectNode) slot.parent()).set(name, value);
                    }
                }
            }
        }
        return bytes(root);
    }

    private static JsonNode raw(String json) {
        return new POJONode(new RawValue(json));
    }

    /** A value of another JSON type than {@code value}'s. */
    private static JsonNode otherType(JsonNode value, int pick) {
        List<JsonNode> others = new ArrayList<>(List.of(NODES.textNode(pick % 2 == 0 ? "" : "x" + pick),
                NODES.numberNode(pick % 3 == 0 ? -1 : pick), NODES.booleanNode(pick % 2 == 0), NODES.arrayNode(),
                NODES.objectNode(), NODES.numberNode(pick + 0.5)));
        others.removeIf(other -> other.getNodeType() == value.getNodeType());
        return others.get(pick % others.size());
    }
}
