package io.director.dsl.placement;

import java.util.List;
import java.util.Locale;

/**
 * How the server chooses, among a block's targets, the nodes that run it (docs/placement.md).
 * The strategies are LittleJet's: {@code all} (the default: every target), {@code random} (one
 * at random), {@code once} (one, only if no node holds the project yet), {@code each} (the nodes
 * that hold the project, and one more per run), {@code single} (the node named), {@code spread}
 * (one: the node with the fewest of the project's workloads, then the most free capacity) and
 * {@code scale} (the holders, brought between {@code min} and {@code max}; one more when a
 * holder is over a threshold).
 *
 * @param strategy         one of {@link #STRATEGIES}
 * @param node             the node of {@code single}, else null
 * @param min              {@code scale}: replicas at least (0 for other strategies)
 * @param max              {@code scale}: replicas at most (0 for other strategies)
 * @param loadAbove        {@code scale}: add a replica when a holder's one-minute load per CPU is above
 *                         this, or null
 * @param memoryAbove      {@code scale}: add a replica when the share of a holder's memory in use is
 *                         above this (0 to 1), or null
 * @param stabilizeSeconds {@code scale} with {@code orchestrate --keep}: how long every holder must stay
 *                         under the thresholds before a replica above {@code min} is removed
 */
public record Placement(String strategy, String node, int min, int max, Double loadAbove, Double memoryAbove,
                        long stabilizeSeconds) {

    public static final String ALL = "all";
    public static final String RANDOM = "random";
    public static final String ONCE = "once";
    public static final String EACH = "each";
    public static final String SINGLE = "single";
    public static final String SPREAD = "spread";
    public static final String SCALE = "scale";
    public static final List<String> STRATEGIES = List.of(ALL, RANDOM, ONCE, EACH, SINGLE, SPREAD, SCALE);
    /** Strategies that need to know the block's project (its JAIL or VM create's {@code --project}). */
    public static final List<String> NEED_PROJECT = List.of(ONCE, EACH, SCALE);
    /** Keys of a {@code scale} map. */
    public static final List<String> SCALE_KEYS = List.of("min", "max", "load_above", "memory_above", "stabilize");
    /** {@code stabilize} when not given: five minutes. */
    public static final long DEFAULT_STABILIZE_SECONDS = 300;

    public Placement {
        if (strategy == null || !STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException("unknown placement '" + strategy + "' (known: "
                    + String.join(", ", STRATEGIES) + ")");
        }
        if (strategy.equals(SINGLE) && (node == null || node.isBlank())) {
            throw new IllegalArgumentException("placement 'single' needs a node: write 'single: NODE'");
        }
        if (strategy.equals(SCALE)) {
            if (min < 0) {
                throw new IllegalArgumentException("scale 'min' must be 0 or more, got " + min);
            }
            if (max < 1 || max < min) {
                throw new IllegalArgumentException("scale 'max' must be at least 1 and at least 'min' (" + min
                        + "), got " + max);
            }
            if (loadAbove != null && loadAbove <= 0) {
                throw new IllegalArgumentException("scale 'load_above' must be more than 0, got " + loadAbove);
            }
            if (memoryAbove != null && (memoryAbove <= 0 || memoryAbove >= 1)) {
                throw new IllegalArgumentException("scale 'memory_above' must be between 0 and 1 (a share of the "
                        + "memory), got " + memoryAbove);
            }
            if (stabilizeSeconds < 0) {
                throw new IllegalArgumentException("scale 'stabilize' must be 0 or more seconds, got "
                        + stabilizeSeconds);
            }
        }
    }

    /** A strategy without parameters ({@code all}, {@code random}, {@code once}, {@code each}, {@code spread}). */
    public static Placement of(String strategy) {
        if (SINGLE.equals(strategy) || SCALE.equals(strategy)) {
            throw new IllegalArgumentException("placement '" + strategy + "' needs "
                    + (SINGLE.equals(strategy) ? "a node: write 'single: NODE'" : "min and max: write "
                    + "'scale: {min: N, max: M}'"));
        }
        return new Placement(strategy, null, 0, 0, null, null, 0);
    }

    public static Placement single(String node) {
        return new Placement(SINGLE, node, 0, 0, null, null, 0);
    }

    public static Placement scale(int min, int max, Double loadAbove, Double memoryAbove, Long stabilizeSeconds) {
        return new Placement(SCALE, null, min, max, loadAbove, memoryAbove,
                stabilizeSeconds == null ? DEFAULT_STABILIZE_SECONDS : stabilizeSeconds);
    }

    /**
     * The one-word form of the command line: {@code all}, {@code random}, {@code once},
     * {@code each}, {@code spread} or {@code single:NODE}.
     */
    public static Placement parse(String text) {
        String word = text.strip();
        if (word.toLowerCase(Locale.ROOT).startsWith(SINGLE + ":")) {
            return single(word.substring(SINGLE.length() + 1).strip());
        }
        if (word.equals(SCALE)) {
            throw new IllegalArgumentException("placement 'scale' needs min and max: give it in an orchestration "
                    + "file as 'placement: {scale: {min: N, max: M}}'");
        }
        return of(word);
    }

    public boolean needsProject() {
        return NEED_PROJECT.contains(strategy);
    }

    /** How it reads in a plan: {@code spread}, {@code single: n1}, {@code scale 1..3}. */
    public String describe() {
        return switch (strategy) {
            case SINGLE -> SINGLE + ": " + node;
            case SCALE -> SCALE + " " + min + ".." + max;
            default -> strategy;
        };
    }
}
