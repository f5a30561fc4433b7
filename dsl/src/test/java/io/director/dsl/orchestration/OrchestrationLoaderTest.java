package io.director.dsl.orchestration;

import io.director.dsl.verb.DslException;
import io.director.dsl.verb.Fingerprint;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.JobParser;
import io.director.dsl.placement.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrchestrationLoaderTest {

    private static final String KNOWN_VERBS = "RUN, ARG, ENV, ADD, COPY, WORKDIR, CACHEFILE, CACHEEVICT, QUERY, WAIT, ECHO, JAIL, VM";

    @TempDir
    Path dir;

    private final OrchestrationLoader loader = new OrchestrationLoader();

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private Orchestration load(String... lines) throws IOException, OrchestrationException {
        return loader.load(write("ok.yaml", lines));
    }

    /** Loads a file that must fail and checks its problems, each written as "LINE:COLUMN: message". */
    private void rejects(String[] lines, String... expected) throws IOException {
        Path file = write("bad.yaml", lines);
        OrchestrationException e = assertThrows(OrchestrationException.class, () -> loader.load(file));
        assertEquals(Arrays.stream(expected).map(p -> file + ":" + p).toList(),
                e.problems().stream().map(Problem::toString).toList());
    }

    private static String[] yaml(String... lines) {
        return lines;
    }

    private static JobDefinition parse(String verb, String arguments) throws DslException {
        return JobParser.standard().parse(verb, arguments);
    }

    @Test
    void loadsTheExampleOfTheSpec() throws Exception {
        Orchestration orchestration = load(
                "- name: keys            # optional",
                "  targets: [n1, n2]     # optional; default every live node",
                "  async: false          # optional",
                "  jobs:",
                "    - WORKDIR: /home/centos/.ssh",
                "    - RUN: chmod 700 /home/centos/.ssh",
                "    - ADD: --chown=centos:centos /home/centos/.ssh/* /home/centos/.ssh/",
                "    - RUN: dnf install -y wget",
                "      vars: {timeout: 120, stdout_arg: out}   # options as a map, optional",
                "      name: install wget                      # optional",
                "- jobs:",
                "    - ECHO: done",
                "  async: true");
        assertEquals(dir.resolve("ok.yaml"), orchestration.file());
        assertEquals(2, orchestration.blocks().size());

        Block keys = orchestration.blocks().get(0);
        assertEquals(1, keys.index());
        assertEquals("keys", keys.name());
        assertEquals(List.of("n1", "n2"), keys.targets());
        assertFalse(keys.async());
        assertEquals(1, keys.line());
        assertEquals(List.of(
                        new OrchestrationJob(parse("WORKDIR", "/home/centos/.ssh"), null, 5, 7),
                        new OrchestrationJob(parse("RUN", "chmod 700 /home/centos/.ssh"), null, 6, 7),
                        new OrchestrationJob(parse("ADD", "--chown=centos:centos /home/centos/.ssh/* /home/centos/.ssh/"),
                                null, 7, 7),
                        new OrchestrationJob(parse("RUN", "--timeout 120 --stdout-arg out dnf install -y wget"),
                                "install wget", 8, 7)),
                keys.jobs());

        Block last = orchestration.blocks().get(1);
        assertEquals(2, last.index());
        assertNull(last.name());
        assertEquals(List.of(), last.targets());
        assertTrue(last.async());
        assertEquals(11, last.line());
        assertEquals(List.of(new OrchestrationJob(parse("ECHO", "done"), null, 12, 7)), last.jobs());
    }

    @Test
    void varsGiveTheSameDefinitionAndFingerprintAsOptionsInTheLine() throws Exception {
        Orchestration orchestration = load(
                "- jobs:",
                "    - RUN: --skip-cache --timeout 120 --stdout-arg out --retry 2 --name x make",
                "    - RUN: make",
                "      vars:",
                "        skip_cache: true",
                "        timeout: 120",
                "        stdout-arg: out",
                "        retry: 2",
                "        name: x",
                "    - WAIT: --url https://example.com/ --retry-wait 0.5",
                "    - WAIT:",
                "      vars: {url: 'https://example.com/', retry_wait: 0.5, run_once: false, timeout: 600}");
        List<OrchestrationJob> jobs = orchestration.blocks().get(0).jobs();
        assertEquals(jobs.get(0).definition(), jobs.get(1).definition());
        assertEquals(Fingerprint.of(jobs.get(0).definition()), Fingerprint.of(jobs.get(1).definition()));
        assertEquals(jobs.get(2).definition(), jobs.get(3).definition());
        assertEquals("x", jobs.get(1).name());
        assertEquals(jobs.get(1).definition(), parse("RUN", jobs.get(1).definition().toArguments()));
    }

    @Test
    void takesScalarValuesAsWrittenAndNothingAsNoArguments() throws Exception {
        List<OrchestrationJob> jobs = load(
                "- jobs:",
                "    - ECHO: 42",
                "    - ECHO: 1.0",
                "    - ECHO: true",
                "    - ECHO: 'quoted: yes'",
                "    - ECHO:",
                "    - ECHO: ~",
                "    - ECHO: |",
                "        two",
                "        lines").blocks().get(0).jobs();
        assertEquals(List.of("42", "1.0", "true", "quoted: yes", "", "", "two\nlines"),
                jobs.stream().map(j -> j.definition().payload()).toList());
    }

    @Test
    void matchesVerbKeysIgnoringCase() throws Exception {
        OrchestrationJob job = load("- jobs:", "    - run: true").blocks().get(0).jobs().get(0);
        assertEquals("RUN", job.definition().verb());
    }

    @Test
    void loadsSeveralFilesInTheOrderGiven() throws Exception {
        Path first = write("first.yaml", "- jobs: [ECHO: one]");
        Path second = write("second.yaml", "- jobs: [ECHO: two]");
        List<Orchestration> loaded = loader.loadAll(List.of(second, first));
        assertEquals(List.of(second, first), loaded.stream().map(Orchestration::file).toList());
    }

    @Test
    void reportsEveryProblemOfEveryFileBeforeSubmittingAnything() throws Exception {
        Path good = write("good.yaml", "- jobs: [ECHO: fine]");
        Path bad = write("bad.yaml",
                "- jobs:",
                "    - RUNN: x",
                "    - RUN: --bogus x",
                "- targets: n1",
                "  jobs: [ECHO: y]");
        Path worse = write("worse.yaml", "jobs: []");
        OrchestrationException e = assertThrows(OrchestrationException.class,
                () -> loader.loadAll(List.of(good, bad, worse)));
        List<String> expected = List.of(
                bad + ":2:7: unknown verb 'RUNN' (known: " + KNOWN_VERBS + ")",
                bad + ":3:12: unknown option '--bogus' for RUN",
                bad + ":4:12: 'targets' must be a list, found 'n1': write [n1]",
                worse + ":1:1: the top level must be a list of blocks ('- jobs: …'), found a map");
        assertEquals(expected, e.problems().stream().map(Problem::toString).toList());
        assertEquals(String.join("\n", expected), e.getMessage());
    }

    @Test
    void problemsOfAFileAreSortedByLineAndColumn() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: x",
                        "      vars: {colour: red}",
                        "  bogus: 1",
                        "  async: maybe"),
                "3:14: unknown option 'colour' for RUN (known: skip_cache, run_once, timeout, stdout_arg, "
                        + "stderr_arg, name, retry)",
                "4:3: unknown block key 'bogus' (known: name, targets, async, placement, jobs)",
                "5:10: 'async' must be true or false, found 'maybe'");
    }

    @Test
    void formatsAProblemAsFileLineColumnMessage() {
        assertEquals("site.yaml:3:14: unknown verb 'X'", new Problem("site.yaml", 3, 14, "unknown verb 'X'").toString());
    }

    @Test
    void rejectsAnExceptionWithoutProblems() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OrchestrationException(List.of()));
        assertEquals("an orchestration exception needs at least one problem", e.getMessage());
    }

    @Test
    void reportsAYamlSyntaxErrorWhereTheParserFoundIt() throws IOException {
        rejects(yaml("- jobs:", "    - RUN: echo: a: b"),
                "2:16: invalid YAML: mapping values are not allowed here");
        rejects(yaml("- jobs: [ECHO: a", "- x"),
                "3:1: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got <stream end>");
        rejects(yaml("- jobs: [ECHO: a]", "---", "- jobs: [ECHO: b]"),
                "2:1: invalid YAML: expected a single document in the stream, but found another document");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        rejects(yaml(""), "1:1: the file is empty: write a list of blocks, each with 'jobs'");
        rejects(yaml("# only a comment"), "1:1: the file is empty: write a list of blocks, each with 'jobs'");
        rejects(yaml("---"), "1:1: the file is empty: write a list of blocks, each with 'jobs'");
    }

    @Test
    void rejectsATopLevelThatIsNotAList() throws IOException {
        rejects(yaml("# blocks", "name: keys", "jobs: [ECHO: a]"),
                "2:1: the top level must be a list of blocks ('- jobs: …'), found a map");
        rejects(yaml("RUN echo"), "1:1: the top level must be a list of blocks ('- jobs: …'), found 'RUN echo'");
    }

    @Test
    void rejectsAnEmptyListOfBlocks() throws IOException {
        rejects(yaml("[]"), "1:1: the list of blocks is empty: add a block with 'jobs'");
    }

    @Test
    void rejectsABlockThatIsNotAMap() throws IOException {
        rejects(yaml("- RUN: a", "- [a]", "- just text"),
                "1:3: unknown block key 'RUN' (known: name, targets, async, placement, jobs)",
                "1:3: the block has no 'jobs': add a list of jobs",
                "2:3: a block must be a map with 'jobs', found a list",
                "3:3: a block must be a map with 'jobs', found 'just text'");
    }

    @Test
    void rejectsUnknownAndDuplicateBlockKeys() throws IOException {
        rejects(yaml("- target: [n1]", "  jobs: [ECHO: a]", "  jobs: [ECHO: b]"),
                "1:3: unknown block key 'target' (known: name, targets, async, placement, jobs)",
                "3:3: duplicate key 'jobs'");
    }

    @Test
    void rejectsABlockNameThatIsNotText() throws IOException {
        rejects(yaml("- name: 2024", "  jobs: [ECHO: a]", "- name: [a]", "  jobs: [ECHO: b]", "- name:",
                        "  jobs: [ECHO: c]"),
                "1:9: 'name' must be text, found 2024 (quote it)",
                "3:9: 'name' must be text, found a list",
                "5:3: 'name' must be text, found nothing");
    }

    @Test
    void acceptsAQuotedNumberAsName() throws Exception {
        assertEquals("2024", load("- name: '2024'", "  jobs: [ECHO: a]").blocks().get(0).name());
    }

    @Test
    void rejectsTargetsThatAreNotAListOfNodeNames() throws IOException {
        rejects(yaml(
                        "- targets: n1",
                        "  jobs: [ECHO: a]",
                        "- targets: {n1: x}",
                        "  jobs: [ECHO: a]",
                        "- targets: []",
                        "  jobs: [ECHO: a]",
                        "- targets: [n1, 7, '', [n2], ~]",
                        "  jobs: [ECHO: a]",
                        "- targets:",
                        "  jobs: [ECHO: a]"),
                "1:12: 'targets' must be a list, found 'n1': write [n1]",
                "3:12: 'targets' must be a list of node names, found a map",
                "5:12: 'targets' is empty: name at least one node, or leave 'targets' out for every live node",
                "7:17: a target must be a node name, found 7 (quote it)",
                "7:20: a target must be a node name, found ''",
                "7:24: a target must be a node name, found a list",
                "7:30: a target must be a node name, found nothing",
                "9:3: 'targets' must be a list of node names, found nothing");
    }

    @Test
    void readsEveryPlacementAndTheBlocksProject() throws Exception {
        Orchestration orchestration = load(
                "- placement: random",
                "  targets: ['web-*', 'label:role=db']",
                "  jobs: [ECHO: a]",
                "- placement: {single: n2}",
                "  jobs: [ECHO: a]",
                "- placement: once",
                "  jobs: [JAIL: --template busybox --project shop create shop1]",
                "- placement:",
                "    scale: {min: 1, max: 3, load_above: 0.8, memory_above: 0.9, stabilize: 30}",
                "  jobs: [VM: --profile CS0 --kernel /k --project api create api1]");
        List<Block> blocks = orchestration.blocks();
        assertEquals(Placement.of("random"), blocks.get(0).placement());
        assertEquals(List.of("web-*", "label:role=db"), blocks.get(0).targets());
        assertNull(blocks.get(0).project());
        assertEquals(Placement.single("n2"), blocks.get(1).placement());
        assertEquals("shop", blocks.get(2).project());
        assertEquals(new Placement("scale", null, 1, 3, 0.8, 0.9, 30), blocks.get(3).placement());
        assertEquals("api", blocks.get(3).project());
        assertNull(load("- jobs: [ECHO: a]").blocks().get(0).placement(), "no placement: every target");
    }

    @Test
    void rejectsBadPlacementsAndSelectorsWhereTheyAreWritten() throws IOException {
        rejects(yaml(
                        "- placement: everywhere",
                        "  jobs: [ECHO: a]",
                        "- placement: {scale: {min: 1, maxx: 3}}",
                        "  jobs: [JAIL: --template busybox --project p create j]",
                        "- placement: once",
                        "  jobs: [ECHO: a]",
                        "- placement: {single: 7}",
                        "  targets: ['label:role', 'web-[']",
                        "  jobs: [ECHO: a]",
                        "- placement: {scale: {min: 3, max: 2}}",
                        "  jobs: [JAIL: --template busybox --project p create j]"),
                "1:14: unknown placement 'everywhere' (known: all, random, once, each, single, spread, scale)",
                "3:22: scale needs 'max': write 'scale: {min: N, max: M}'",
                "3:31: unknown key 'maxx' in scale (known: min, max, load_above, memory_above, stabilize)",
                "5:3: placement 'once' counts a project's workloads: give the block's JAIL or VM create a --project NAME",
                "7:23: 'single' needs a node name, found 7 (quote it)",
                "8:13: label selector 'label:role' needs KEY=VALUE, e.g. 'label:role=web'",
                "8:27: target pattern 'web-[' is not a valid glob: Missing ']",
                "10:22: scale 'max' must be at least 1 and at least 'min' (3), got 2");
    }

    @Test
    void rejectsAsyncThatIsNotAYaml12Boolean() throws IOException {
        rejects(yaml("- async: yes", "  jobs: [ECHO: a]", "- async: 1", "  jobs: [ECHO: a]", "- async:",
                        "  jobs: [ECHO: a]"),
                "1:10: 'async' must be true or false, found 'yes'",
                "3:10: 'async' must be true or false, found 1",
                "5:3: 'async' must be true or false, found nothing");
    }

    @Test
    void acceptsEveryYaml12SpellingOfTrue() throws Exception {
        assertTrue(load("- async: True", "  jobs: [ECHO: a]").blocks().get(0).async());
        assertTrue(load("- async: TRUE", "  jobs: [ECHO: a]").blocks().get(0).async());
    }

    @Test
    void rejectsMissingOrEmptyJobs() throws IOException {
        rejects(yaml("- name: a", "- name: b", "  jobs: []", "- name: c", "  jobs:", "- jobs: RUN true"),
                "1:3: the block has no 'jobs': add a list of jobs",
                "3:9: 'jobs' is empty: add at least one job",
                "5:3: 'jobs' is empty: add at least one job",
                "6:9: 'jobs' must be a list of jobs, found 'RUN true'");
    }

    @Test
    void rejectsAJobThatIsNotAMapWithOneVerb() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN true",
                        "    - name: nothing to do",
                        "    - RUN: true",
                        "      ECHO: hi",
                        "    - [RUN, true]"),
                "2:7: a job must be a map such as 'RUN: echo hi', found 'RUN true'",
                "3:7: the job has no verb: add one such as 'RUN: echo hi'",
                "5:7: the job has two verbs, 'RUN' and 'ECHO': split it into two jobs",
                "6:7: a job must be a map such as 'RUN: echo hi', found a list");
    }

    @Test
    void rejectsAnUnknownVerbAndUnknownJobKeys() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - name: fetch",
                        "      FETCH: http://x/",
                        "      retries: 3",
                        "    - RUN: true",
                        "      when: always",
                        "      run_once: true",
                        "    - RUN: true",
                        "      RUN: false"),
                "3:7: unknown verb 'FETCH' (known: " + KNOWN_VERBS + ")",
                "4:7: unknown job key 'retries' (allowed: the verb, vars, name)",
                "6:7: unknown job key 'when' (allowed: the verb, vars, name)",
                "7:7: 'run_once' is an option of RUN: put it under 'vars' or in the line",
                "9:7: duplicate key 'RUN'");
    }

    @Test
    void rejectsAVerbValueThatIsAListOrAMap() throws IOException {
        rejects(yaml("- jobs:", "    - RUN: [echo, hi]", "    - ECHO:", "        text: hi"),
                "2:12: the value of RUN must be its options and payload as text, found a list",
                "4:9: the value of ECHO must be its options and payload as text, found a map");
    }

    @Test
    void rejectsAJobNameThatIsNotTextOrIsGivenTwice() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: true",
                        "      name: 7",
                        "    - RUN: --name first true",
                        "      name: second",
                        "    - RUN: true",
                        "      vars: {name: first}",
                        "      name: second"),
                "3:13: 'name' must be text, found 7 (quote it)",
                "5:7: the job's name is given twice, as 'name' and as option '--name'; keep one",
                "8:7: the job's name is given twice, as 'name' and as option '--name'; keep one");
    }

    @Test
    void namesAJobByItsNameOptionWhenItHasNoNameKey() throws Exception {
        List<OrchestrationJob> jobs = load("- jobs:", "    - RUN: --name build make", "    - RUN: make",
                "      vars: {name: build}").blocks().get(0).jobs();
        assertEquals("build", jobs.get(0).name());
        assertEquals("build", jobs.get(1).name());
    }

    @Test
    void rejectsVarsThatAreNotAMapOfOptions() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: true",
                        "      vars: [timeout, 5]",
                        "    - RUN: true",
                        "      vars:",
                        "    - RUN: true",
                        "      vars: {stdout_arg: a, stdout-arg: b, extend_args: true}",
                        "    - NOPE: x",
                        "      vars: 5"),
                "3:13: 'vars' must be a map of option names to values, found a list",
                "5:7: 'vars' must be a map of option names to values, found nothing",
                "7:29: 'stdout-arg' repeats option 'stdout_arg' in vars",
                "7:44: unknown option 'extend_args' for RUN (known: skip_cache, run_once, timeout, stdout_arg, "
                        + "stderr_arg, name, retry)",
                "8:7: unknown verb 'NOPE' (known: " + KNOWN_VERBS + ")",
                "9:13: 'vars' must be a map of option names to values, found 5");
    }

    @Test
    void rejectsVarsValuesAtTheValue() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: true",
                        "      vars: {timeout: '120'}",
                        "    - RUN: true",
                        "      vars:",
                        "        skip_cache: yes",
                        "    - WAIT: --url http://a/",
                        "      vars: {retry_wait: -1}",
                        "    - ADD: a /b",
                        "      vars: {chmod: 999}",
                        "    - ADD: a /b",
                        "      vars: {chmod: '999'}",
                        "    - RUN: true",
                        "      vars: {timeout: !custom 5}"),
                "3:23: option '--timeout' needs a whole number, got text '120'",
                "6:21: option '--skip-cache' needs true or false, got text 'yes'",
                "8:26: option '--retry-wait' must be 0 or more, got -1",
                "10:21: option '--chmod' needs text, got 999 (quote it)",
                "12:21: option '--chmod' needs an octal mode of 3 or 4 digits such as 0644, got '999'",
                "14:23: cannot read the value of 'timeout': could not determine a constructor for the tag !custom");
    }

    @Test
    void rejectsAnOptionGivenInTheLineAndInVarsAtTheVarsKey() throws IOException {
        rejects(yaml("- jobs:", "    - RUN: --timeout 5 true", "      vars: {timeout: 5}"),
                "3:14: option '--timeout' is given both in the line and in vars; keep one");
    }

    @Test
    void rejectsAVerbRuleBrokenByAVarsOptionAtTheVarsKey() throws IOException {
        rejects(yaml("- jobs:", "    - WAIT: --seconds 5", "      vars:", "        retry: 3"),
                "4:9: option '--retry' only goes with --url or --cmd");
    }

    @Test
    void pointsIntoAPlainValueAtTheOffendingText() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: --skip-cache --bogus x",
                        "    - ARG: greeting",
                        "    - WORKDIR: --chmod 0999 /srv",
                        "    - CACHEEVICT:   everything",
                        "    - RUN: --timeout 5"),
                "2:25: unknown option '--bogus' for RUN",
                "3:20: ARG 'greeting' needs a value after the key",
                "4:16: option '--chmod' needs an octal mode of 3 or 4 digits such as 0644, got '0999'",
                "5:21: CACHEEVICT needs all, args, envs, jobs or a fingerprint (56 lower-case hex digits), "
                        + "got 'everything'",
                "6:23: RUN needs a payload after its options");
    }

    @Test
    void pointsIntoAQuotedValuePastTheOpeningQuote() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - RUN: '--bogus x'",
                        "    - ADD: \"a b /etc/app\""),
                "2:13: unknown option '--bogus' for RUN",
                "3:17: ADD has 2 sources, so the destination '/etc/app' must end with '/'");
    }

    @Test
    void pointsAtTheStartOfAMultiLineValue() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - WORKDIR: /srv",
                        "        /tmp",
                        "    - WORKDIR: >",
                        "        /a",
                        "        /b",
                        "    - QUERY: |",
                        "        a-b"),
                "2:16: WORKDIR takes exactly one path, found another word '/tmp' (quote a path that contains blanks)",
                "4:16: WORKDIR takes exactly one path, found another word '/b' (quote a path that contains blanks)",
                "7:14: QUERY name 'a-b' is not a valid name: use letters, digits and '_', not starting with a digit");
    }

    @Test
    void pointsAtTheVerbWhenItsValueIsEmpty() throws IOException {
        rejects(yaml("- jobs:", "    - WAIT:", "    - RUN:", "      vars: {timeout: 5}"),
                "2:7: WAIT needs one of --seconds, --url or --cmd",
                "3:7: RUN needs a payload after its options");
    }

    @Test
    void reportsEveryJobsProblemNotOnlyTheFirst() throws IOException {
        rejects(yaml(
                        "- jobs:",
                        "    - ENV: 1X y",
                        "    - QUERY: a b",
                        "- jobs:",
                        "    - COPY: a* /x",
                        "    - ARG: node x"),
                "2:12: ENV key '1X' is not a valid name: use letters, digits and '_', not starting with a digit",
                "3:16: QUERY takes exactly one ARG name, found another word 'b'",
                "5:16: COPY source 'a*' is a glob, so the destination '/x' must end with '/'",
                "6:12: ARG key 'node' is read-only (every node sets it itself); choose another name");
    }

    @Test
    void rejectsAKeyThatIsNotText() throws IOException {
        rejects(yaml("- jobs: [ECHO: a]", "  ? [x]", "  : y"), "2:5: a key must be a word, found a list");
    }

    @Test
    void reportsAFileThatCannotBeRead() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        Path directory = Files.createDirectory(dir.resolve("blocks.yaml"));
        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {'-', ' ', (byte) 0xff, (byte) 0xfe});
        Path underAFile = write("notes.txt", "x").resolve("site.yaml");
        OrchestrationException e = assertThrows(OrchestrationException.class,
                () -> loader.loadAll(List.of(missing, directory, binary, underAFile)));
        assertEquals(List.of(
                        missing + ":1:1: no such file",
                        directory + ":1:1: is a directory, not an orchestration file",
                        binary + ":1:1: not valid UTF-8 text",
                        underAFile + ":1:1: cannot read the file: Not a directory"),
                e.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void keepsTheTemplatesOfAJobAsWritten() throws Exception {
        OrchestrationJob job = load("- jobs:", "    - WORKDIR: --chown '{{ user }}' /srv/{{ node.identity }}")
                .blocks().get(0).jobs().get(0);
        assertEquals(new JobDefinition("WORKDIR", Map.of("chown", "{{ user }}"), "/srv/{{ node.identity }}"),
                job.definition());
    }

    // Found by OrchestrationLoaderFuzzTest: composing YAML recurses once per level, and a
    // deeply nested value overflowed the stack (a StackOverflowError, not a problem).
    @Test
    void rejectsNestingDeeperThanTheCapWhereItGoesTooDeep() throws IOException {
        rejects(yaml("- jobs:", "    - RUN: true", "      vars: {timeout: " + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
                "3:" + (23 + OrchestrationReader.MAX_NESTING - 5) + ": invalid YAML: lists and maps nested more than "
                        + OrchestrationReader.MAX_NESTING + " levels deep");
        rejects(yaml("- jobs:", "    - ECHO: " + "{a: ".repeat(5_000) + "1" + "}".repeat(5_000)),
                "2:" + (13 + 4 * (OrchestrationReader.MAX_NESTING - 4)) + ": invalid YAML: lists and maps nested more than "
                        + OrchestrationReader.MAX_NESTING + " levels deep");
    }

    @Test
    void acceptsNestingUpToTheCap() throws IOException {
        int depth = OrchestrationReader.MAX_NESTING - 5; // the file's list, the block, jobs, the job and vars
        // read to the end: the only problem is the option's, not the nesting
        rejects(yaml("- jobs:", "    - JAIL: create web", "      vars: {mount: " + "[".repeat(depth) + "]".repeat(depth) + "}"),
                "3:21: option '--mount' needs a list of text, got a list");
    }

    @Test
    void refusesABillionLaughs() throws IOException {
        StringBuilder laughs = new StringBuilder("[&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
        for (int level = 1; level < 9; level++) {
            laughs.append(", &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (level - 1)))).append("]");
        }
        rejects(yaml("- jobs:", "    - JAIL: create web", "      vars: {mount: " + laughs + "]}"),
                "3:" + (20 + laughs.indexOf("*l5") + 5 * 5 + 1) + ": invalid YAML: more than 50 aliases of lists or maps");
    }

    @Test
    void refusesAFileLargerThanTheCapWithoutReadingItAll() throws IOException {
        Path huge = write("huge.yaml", "- jobs: [ECHO: " + "x".repeat(OrchestrationReader.MAX_FILE_BYTES) + "]");
        OrchestrationException e = assertThrows(OrchestrationException.class, () -> loader.load(huge));
        assertEquals(huge + ":1:1: larger than 1 MiB: not an orchestration file", e.getMessage());
        Path endless = Path.of("/dev/zero");
        if (Files.isReadable(endless)) {
            assertEquals(endless + ":1:1: larger than 1 MiB: not an orchestration file",
                    assertThrows(OrchestrationException.class, () -> loader.load(endless)).getMessage());
        }
    }

    // Found by OrchestrationLoaderFuzzTest: problems quoted multi-line values as they were.
    @Test
    void aProblemQuotingSeveralLinesIsOneLine() throws IOException {
        rejects(yaml("- targets: |", "    web-1", "    web-2", "  jobs: [ECHO: a]"),
                "1:12: 'targets' must be a list, found 'web-1\\nweb-2\\n': write [web-1\\nweb-2\\n]");
    }

    // Found by OrchestrationLoaderFuzzTest: Java's class names in problems, and a stray ", ".
    @Test
    void describesValuesItCannotReadInWords() throws IOException {
        rejects(yaml("- jobs:", "    - RUN: true", "      vars: {timeout: !!int x}"),
                "3:23: cannot read the value of 'timeout': For input string: \"x\"");
        rejects(yaml("- jobs:", "    - RUN: *nowhere"), "2:12: invalid YAML: found undefined alias nowhere");
    }
}
