package io.director.client.exec;

import io.director.client.template.TemplateException;
import io.director.client.transfer.Deadline;
import io.director.client.transfer.FileFetcher;
import io.director.client.transfer.Sha256;
import io.director.client.transfer.StagedFile;
import io.director.client.transfer.TargetAttributes;
import io.director.client.transfer.TransferException;
import io.director.dsl.verb.DslException;
import io.director.dsl.verb.JobDefinition;
import io.director.dsl.verb.ShellWords;
import io.director.dsl.wire.Job;
import io.director.dsl.wire.NodeState;
import io.director.dsl.wire.TransferFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ADD} and {@code COPY} (the same semantics; one instance is registered for each verb):
 * brings the files the job names ({@code job.files()}, expanded on the server host) to DEST,
 * the last word of the rendered payload. DEST ending in '/' is a directory, created with its
 * parents, and each file lands there under its own name; otherwise DEST is the path of the one
 * file. DEST must be absolute.
 * <p>
 * A file whose destination already has the source's SHA-256 is not fetched; otherwise it is
 * fetched, verified and moved into place atomically. Either way the mode ({@code --chmod}, else
 * the source's) and {@code --chown} are applied, so a run leaves the same result whether it
 * copied or not. With {@code --blueprint} the fetched file is a UTF-8 template and its rendering
 * is what is placed (and compared). Stdout lists each file as {@code unchanged PATH} or
 * {@code copied PATH (N bytes)}. Runs on the job runner thread and blocks while fetching, at
 * most until the job's {@code --timeout}.
 */
public final class AddExecutor implements Executor {

    /** Largest --blueprint file: it is rendered in memory. */
    static final long MAX_TEMPLATE_BYTES = 16L * 1024 * 1024;

    private final String verb;
    private final FileFetcher fetcher;

    /** @param verb {@code ADD} or {@code COPY} */
    public AddExecutor(String verb, FileFetcher fetcher) {
        this.verb = Objects.requireNonNull(verb, "verb");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    @Override
    public String verb() {
        return verb;
    }

    @Override
    public Execution execute(JobContext context) throws InterruptedException {
        JobDefinition definition = context.job().definition();
        Deadline deadline = Deadline.after(Duration.ofSeconds(definition.timeoutSeconds()));
        List<String> words;
        try {
            words = ShellWords.split(context.payload()).stream().map(ShellWords.Word::text).toList();
        } catch (DslException e) {
            return Execution.failed(verb + ": cannot read the payload '" + context.payload() + "': " + e.getMessage());
        }
        if (words.size() < 2) {
            return Execution.failed(verb + ": expected SRC... DEST, got '" + context.payload() + "'");
        }
        TargetAttributes attributes;
        Map<Path, TransferFile> placements;
        try {
            attributes = TargetAttributes.parse(definition.text("chmod"), definition.text("chown"));
            placements = placements(words.get(words.size() - 1), context.job().files());
        } catch (IllegalArgumentException e) {
            return Execution.failed(verb + ": " + e.getMessage());
        }
        boolean blueprint = definition.flag("blueprint");
        StringBuilder stdout = new StringBuilder();
        for (Map.Entry<Path, TransferFile> placement : placements.entrySet()) {
            Path target = placement.getKey();
            TransferFile file = placement.getValue();
            try {
                String line = blueprint
                        ? placeRendered(context, file, target, attributes, deadline)
                        : place(context.job(), file, target, attributes, deadline);
                stdout.append(line).append('\n');
            } catch (TransferException | TemplateException e) {
                return failed(stdout, verb + " " + target + ": " + e.getMessage());
            } catch (IOException e) {
                return failed(stdout, verb + " '" + file.source() + "' to " + target + ": " + reason(e));
            }
        }
        return new Execution(NodeState.SUCCESS, null, stdout.toString(), "", null);
    }

    /** A failure after some files were placed: those stay, and stdout says which. */
    private static Execution failed(StringBuilder stdout, String info) {
        return new Execution(NodeState.FAILED, null, stdout.toString(), "", info.replace('\n', ' '));
    }

    /** Java's file exceptions carry only the path as their message; say what happened too. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof NoSuchFileException missing) {
            return "no such file or directory: " + missing.getFile();
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return "in the way (not a directory): " + exists.getFile();
        }
        if (e instanceof FileSystemException other && other.getReason() != null) {
            return other.getReason() + ": " + other.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Where each file goes, in the job's order. */
    private static Map<Path, TransferFile> placements(String destination, List<TransferFile> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("the job names no files to fetch (the server expanded none)");
        }
        Path path = Path.of(destination);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("destination '" + destination + "' is not an absolute path");
        }
        Map<Path, TransferFile> placements = new LinkedHashMap<>();
        if (destination.endsWith("/")) {
            for (TransferFile file : files) {
                TransferFile other = placements.put(path.resolve(file.fileName()), file);
                if (other != null) {
                    throw new IllegalArgumentException("'" + other.source() + "' and '" + file.source()
                            + "' would both be " + path.resolve(file.fileName()));
                }
            }
            return placements;
        }
        if (files.size() > 1) {
            throw new IllegalArgumentException(files.size() + " files cannot all be '" + destination
                    + "'; end the destination with '/' to put them in a directory");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("destination '" + destination
                    + "' is a directory; end it with '/' to put the file in it");
        }
        placements.put(path, files.get(0));
        return placements;
    }

    private String place(Job job, TransferFile file, Path target, TargetAttributes attributes, Deadline deadline)
            throws TransferException, IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        if (holds(target, file.sha256())) {
            attributes.apply(target, file.mode());
            return "unchanged " + target;
        }
        try (StagedFile staged = fetcher.fetch(job, file, target.getParent(), deadline)) {
            attributes.apply(staged.path(), file.mode());
            staged.commit(target);
        }
        return "copied " + target + " (" + file.size() + " bytes)";
    }

    private String placeRendered(JobContext context, TransferFile file, Path target, TargetAttributes attributes,
                                 Deadline deadline)
            throws TransferException, TemplateException, IOException, InterruptedException {
        if (file.size() > MAX_TEMPLATE_BYTES) {
            throw new IOException("a --blueprint file may be at most " + MAX_TEMPLATE_BYTES + " bytes; it has "
                    + file.size());
        }
        Files.createDirectories(target.getParent());
        String template;
        try (StagedFile fetched = fetcher.fetch(context.job(), file, target.getParent(), deadline)) {
            template = utf8(Files.readAllBytes(fetched.path()));
        }
        byte[] rendered = context.templates().render(template, context.templateContext())
                .getBytes(StandardCharsets.UTF_8);
        if (holds(target, Sha256.of(rendered))) {
            attributes.apply(target, file.mode());
            return "unchanged " + target;
        }
        try (StagedFile staged = StagedFile.in(target.getParent(), target.getFileName().toString())) {
            Files.write(staged.path(), rendered);
            attributes.apply(staged.path(), file.mode());
            staged.commit(target);
        }
        return "copied " + target + " (" + rendered.length + " bytes)";
    }

    /** Whether {@code target} is a regular file (not a link) with this content. */
    private static boolean holds(Path target, String sha256) throws IOException {
        return Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Sha256.of(target).equals(sha256);
    }

    private static String utf8(byte[] bytes) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("a --blueprint file must be UTF-8 text");
        }
    }
}
