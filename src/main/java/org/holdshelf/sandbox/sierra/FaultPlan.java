package org.holdshelf.sandbox.sierra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which requests the {@link SierraSimulator} answers badly, and how often. Immutable; the
 * simulator keeps the remaining-fires counters.
 *
 * <h2>Property syntax</h2>
 * A comma-separated list of rules ({@code holdshelf.sandbox.sierra.faults}):
 * <pre>
 *   rule     = [endpoint ":"] kind "@" page ["x" times] [":" millis ["ms"]]
 *   endpoint = holds | items | bibs | patrons        (default holds)
 *   kind     = 503 | 429 | html502 | malformed | incomplete | slow
 *   page     = number | "*"
 *   times    = number | "*"                           (default "*": forever)
 * </pre>
 * Example: {@code 503@3x2,429@5x1,html502@7x1,malformed@9,slow@4:3000ms,items:503@*x1}
 * <ul>
 *   <li>On {@code /patrons/holds} the page is {@code offset / limit} (0-based); on the id-list
 *       endpoints ({@code /items}, {@code /bibs}, {@code /patrons}) it is the 0-based number of
 *       the call to that endpoint. {@code *} matches every page or call.</li>
 *   <li>A rule fires {@code times} times, then the page answers normally; {@code *} fires
 *       forever. With {@code @*}, the count is shared by all pages: {@code items:503@*x1} fails
 *       only the first items call.</li>
 *   <li>Rules are tried in order; one request gets at most one fault.</li>
 * </ul>
 *
 * <h2>Fault kinds</h2>
 * <ul>
 *   <li>{@code 503}: HTTP 503 with the Sierra ErrorCode body code 117 "API disabled".</li>
 *   <li>{@code 429}: HTTP 429 with {@code Retry-After: 1} and a JSON body. Sierra documents no
 *       429 and no rate limit; this is a simulator choice to exercise client backoff.</li>
 *   <li>{@code html502}: HTTP 502 with an nginx-style {@code text/html} page, as a reverse proxy
 *       in front of Sierra answers when the application server is down.</li>
 *   <li>{@code malformed}: HTTP 200, {@code application/json}, but the body is cut off half-way
 *       (invalid JSON).</li>
 *   <li>{@code incomplete}: HTTP 200 and valid JSON, but the page's first ready hold comes
 *       without its {@code pickupLocation}, as bad data from Sierra would.</li>
 *   <li>{@code slow}: waits {@code millis} before answering normally (the wait is required).</li>
 * </ul>
 */
public final class FaultPlan {

    /** {@code page} value matching every page or call. */
    public static final int ANY_PAGE = -1;
    /** {@code times} value for a rule that never stops firing. */
    public static final int FOREVER = -1;

    public static final FaultPlan NONE = new FaultPlan(List.of());

    /** The endpoints faults can target; each has its own page or call numbering. */
    public enum Target {
        HOLDS("holds"), ITEMS("items"), BIBS("bibs"), PATRONS("patrons");

        private final String token;

        Target(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** How a faulted request is answered. */
    public enum Kind {
        HTTP_503("503"), HTTP_429("429"), HTML_502("html502"), MALFORMED_JSON("malformed"),
        INCOMPLETE_HOLD("incomplete"), SLOW("slow");

        private final String token;

        Kind(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /**
     * One rule.
     *
     * @param page        page index ({@code offset / limit}) or call number; {@link #ANY_PAGE}
     * @param times       how many requests it fails before recovering; {@link #FOREVER}
     * @param delayMillis the wait of a {@link Kind#SLOW} rule, 0 for the others
     */
    public record Rule(Target target, int page, Kind kind, int times, long delayMillis) {

        public Rule {
            if (target == null || kind == null) {
                throw new IllegalArgumentException("a fault rule needs a target and a kind");
            }
            if (page < ANY_PAGE || times == 0 || times < FOREVER) {
                throw new IllegalArgumentException("bad page " + page + " or times " + times + " in a fault rule");
            }
            if ((kind == Kind.SLOW) != (delayMillis > 0)) {
                throw new IllegalArgumentException(
                        "a slow rule needs a positive delay and other kinds none (" + kind.token() + ", " + delayMillis + " ms)");
            }
        }

        public boolean matches(Target requestTarget, long requestPage) {
            return target == requestTarget && (page == ANY_PAGE || page == requestPage);
        }

        /** The rule in property syntax. */
        @Override
        public String toString() {
            return (target == Target.HOLDS ? "" : target.token() + ":") + kind.token()
                    + "@" + (page == ANY_PAGE ? "*" : Integer.toString(page))
                    + "x" + (times == FOREVER ? "*" : Integer.toString(times))
                    + (kind == Kind.SLOW ? ":" + delayMillis + "ms" : "");
        }
    }

    private static final Pattern RULE = Pattern.compile(
            "(?:(?<target>[a-z]+):)?(?<kind>[a-z0-9]+)@(?<page>\\d+|\\*)(?:x(?<times>\\d+|\\*))?(?::(?<millis>\\d+)(?:ms)?)?");

    private final List<Rule> rules;

    private FaultPlan(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses the property syntax above; a blank value means no faults. */
    public static FaultPlan parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        Builder builder = builder();
        for (String part : spec.split(",")) {
            String text = part.strip().toLowerCase(Locale.ROOT);
            Matcher m = RULE.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad fault rule '" + part.strip()
                        + "', expected [endpoint:]kind@page[xTimes][:millisms], e.g. 503@3x2 or slow@4:3000ms");
            }
            String millis = m.group("millis");
            try {
                builder.add(new Rule(
                        m.group("target") == null ? Target.HOLDS : lookup(Target.values(), m.group("target"), Target::token),
                        "*".equals(m.group("page")) ? ANY_PAGE : Integer.parseInt(m.group("page")),
                        lookup(Kind.values(), m.group("kind"), Kind::token),
                        m.group("times") == null || "*".equals(m.group("times")) ? FOREVER : Integer.parseInt(m.group("times")),
                        millis == null ? 0 : Long.parseLong(millis)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad fault rule '" + part.strip() + "': " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    private static <T> T lookup(T[] values, String token, Function<T, String> tokenOf) {
        for (T value : values) {
            if (tokenOf.apply(value).equals(token)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown '" + token + "'; one of "
                + Arrays.stream(values).map(tokenOf).collect(Collectors.joining(", ")));
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The plan in property syntax; {@code parse(plan.toString())} gives an equal plan. */
    @Override
    public String toString() {
        return rules.stream().map(Rule::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FaultPlan plan && plan.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    /** Builds a plan in Java: {@code FaultPlan.builder().onHoldsPage(3, Kind.HTTP_503, 2).build()}. */
    public static final class Builder {

        private final List<Rule> rules = new ArrayList<>();

        private Builder() {
        }

        public Builder add(Rule rule) {
            rules.add(rule);
            return this;
        }

        /** Fails page {@code page} of {@code /patrons/holds} {@code times} times ({@link #FOREVER}). */
        public Builder onHoldsPage(int page, Kind kind, int times) {
            return add(new Rule(Target.HOLDS, page, kind, times, 0));
        }

        /** Delays page {@code page} of {@code /patrons/holds} by {@code millis}, {@code times} times. */
        public Builder slowHoldsPage(int page, long millis, int times) {
            return add(new Rule(Target.HOLDS, page, Kind.SLOW, times, millis));
        }

        /** Fails call number {@code call} (0-based, or {@link #ANY_PAGE}) of an id-list endpoint. */
        public Builder onLookupCall(Target target, int call, Kind kind, int times) {
            return add(new Rule(target, call, kind, times, 0));
        }

        public FaultPlan build() {
            return new FaultPlan(rules);
        }
    }
}
