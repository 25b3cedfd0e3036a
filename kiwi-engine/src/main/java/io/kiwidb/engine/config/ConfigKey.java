package io.kiwidb.engine.config;

import io.kiwidb.api.InvalidConfigException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One config key: its type, default, allowed values and when a change takes effect. Instances live
 * in {@link ConfigKeys}; this type only validates and normalises values.
 *
 * <p>Values are normalised to one Java type per {@link Type}: {@link Integer}, {@link Double},
 * {@link Boolean} or a lower-case {@link String}, so two configs compare equal when they mean the
 * same thing (for example {@code 64} and {@code 64.0} for an integer key).
 *
 * <p>Thread safety: immutable.
 *
 * @param name the snake_case key, as written in {@code config.json}
 * @param type the value type
 * @param defaultValue our default (already normalised)
 * @param referenceDefault the reference system's default, or {@code null} for keys it lacks
 * @param min the lowest allowed number, or {@code null}
 * @param minExclusive whether {@code min} itself is excluded
 * @param max the highest allowed number, or {@code null}
 * @param maxExclusive whether {@code max} itself is excluded
 * @param choices the allowed strings for {@link Type#CHOICE}; the stock names for {@link
 *     Type#PROVIDER} (others may be installed); empty otherwise
 * @param applies whether a change applies to the running engine or on reopen
 * @param unit what a number counts (for docs), e.g. {@code "MiB"}; empty if none
 * @param doc one line on what the key does
 */
public record ConfigKey(
    String name,
    Type type,
    Object defaultValue,
    Object referenceDefault,
    Double min,
    boolean minExclusive,
    Double max,
    boolean maxExclusive,
    Set<String> choices,
    Applies applies,
    String unit,
    String doc) {

  /** A config value's type. */
  public enum Type {
    /** A 32-bit integer. JSON integers, and reals with no fractional part (Python's 64.0). */
    INT,
    /** A finite real number. JSON integers are accepted. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** One of a fixed set of lower-case strings. */
    CHOICE,
    /**
     * The name of a pluggable implementation (a {@link io.kiwidb.api.spi.NamedProvider}). Checked
     * for shape here and against the installed providers by the engine's wiring.
     */
    PROVIDER
  }

  /** When a change to a key takes effect. */
  public enum Applies {
    /** The running engine picks the new value up as soon as {@code updateConfig} returns. */
    LIVE,
    /** Persisted at once, used from the next open. */
    REOPEN
  }

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  /** Validates the definition itself. */
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(applies, "applies");
    choices = Set.copyOf(choices);
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(doc, "doc");
  }

  /** Whether a change applies to the running engine. */
  public boolean isLive() {
    return applies == Applies.LIVE;
  }

  /**
   * Validates a value read from {@code config.json} (already converted from JSON: a {@link Number},
   * {@link String}, {@link Boolean}, or {@code null}). Strings are not parsed for numeric or
   * boolean keys: a file is expected to carry the right JSON type.
   *
   * @throws InvalidConfigException naming this key and the value
   */
  public Object fromFile(Object raw) {
    return normalize(raw, false);
  }

  /**
   * Validates a value given to {@code updateConfig}: a number, boolean or string, where strings are
   * parsed for numeric and boolean keys (a REPL's {@code config set block_size 8192}).
   *
   * @throws InvalidConfigException naming this key and the value
   */
  public Object fromUser(Object raw) {
    return normalize(raw, true);
  }

  private Object normalize(Object raw, boolean parseStrings) {
    if (raw == null) {
      throw invalid(null, "a value is required; expected " + expected());
    }
    switch (type) {
      case INT:
        return checkRange(raw, toInteger(raw, parseStrings));
      case DOUBLE:
        return checkRange(raw, toDouble(raw, parseStrings));
      case BOOLEAN:
        return toBoolean(raw, parseStrings);
      case CHOICE:
        {
          String s = toText(raw).toLowerCase(Locale.ROOT);
          if (!choices.contains(s)) {
            throw invalid(raw, "must be one of " + new TreeSet<>(choices));
          }
          return s;
        }
      case PROVIDER:
        {
          String s = toText(raw).toLowerCase(Locale.ROOT);
          if (!PROVIDER_NAME.matcher(s).matches()) {
            throw invalid(
                raw,
                "must be an implementation name (lower-case letters, digits, '_', '.', '-');"
                    + " stock: "
                    + new TreeSet<>(choices));
          }
          return s;
        }
    }
    throw new AssertionError(type);
  }

  private Integer toInteger(Object raw, boolean parseStrings) {
    BigDecimal d = toDecimal(raw, parseStrings);
    // Decide from the digit count before converting: toBigIntegerExact of 1e999999999 (or of
    // 1e-999999999) would build a number of billions of bits, a hang and an out-of-memory error
    // from a 12-byte config value.
    long integerDigits = (long) d.precision() - d.scale();
    if (d.signum() != 0 && integerDigits > 10) {
      throw invalid(raw, "out of range: " + rangeText());
    }
    if (d.signum() != 0 && integerDigits <= 0) {
      throw invalid(raw, "expected an integer");
    }
    BigInteger exact;
    try {
      exact = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw invalid(raw, "expected an integer");
    }
    if (exact.bitLength() > 31) {
      throw invalid(raw, "out of range: " + rangeText());
    }
    return exact.intValue();
  }

  private Double toDouble(Object raw, boolean parseStrings) {
    if (raw instanceof Double || raw instanceof Float) {
      double v = ((Number) raw).doubleValue();
      if (!Double.isFinite(v)) {
        throw invalid(raw, "expected a finite number");
      }
      return v;
    }
    return toDecimal(raw, parseStrings).doubleValue();
  }

  private BigDecimal toDecimal(Object raw, boolean parseStrings) {
    if (raw instanceof BigDecimal) {
      return (BigDecimal) raw;
    }
    if (raw instanceof BigInteger) {
      return new BigDecimal((BigInteger) raw);
    }
    if (raw instanceof Double || raw instanceof Float) {
      double v = ((Number) raw).doubleValue();
      if (!Double.isFinite(v)) {
        throw invalid(raw, "expected a finite number");
      }
      return BigDecimal.valueOf(v);
    }
    if (raw instanceof Long
        || raw instanceof Integer
        || raw instanceof Short
        || raw instanceof Byte) {
      return BigDecimal.valueOf(((Number) raw).longValue());
    }
    if (raw instanceof String && parseStrings) {
      try {
        return new BigDecimal(((String) raw).trim());
      } catch (NumberFormatException e) {
        throw invalid(raw, "expected " + expected());
      }
    }
    throw invalid(raw, "expected " + expected() + ", got " + describe(raw));
  }

  private Boolean toBoolean(Object raw, boolean parseStrings) {
    if (raw instanceof Boolean) {
      return (Boolean) raw;
    }
    if (raw instanceof String && parseStrings) {
      String s = ((String) raw).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.valueOf(s);
      }
      throw invalid(raw, "expected true or false");
    }
    throw invalid(raw, "expected true or false, got " + describe(raw));
  }

  private String toText(Object raw) {
    if (raw instanceof String) {
      return ((String) raw).trim();
    }
    throw invalid(raw, "expected a string, got " + describe(raw));
  }

  private <N extends Number> N checkRange(Object raw, N value) {
    double v = value.doubleValue();
    boolean tooLow = min != null && (minExclusive ? v <= min : v < min);
    boolean tooHigh = max != null && (maxExclusive ? v >= max : v > max);
    if (tooLow || tooHigh) {
      throw invalid(raw, "out of range: " + rangeText());
    }
    return value;
  }

  /** The allowed range or values in words, for errors and docs, e.g. {@code "1 to 64"}. */
  public String rangeText() {
    switch (type) {
      case BOOLEAN:
        return "true or false";
      case CHOICE:
        return String.join(", ", new TreeSet<>(choices));
      case PROVIDER:
        return String.join(", ", new TreeSet<>(choices)) + " (or an installed provider)";
      default:
        break;
    }
    String lo = min == null ? null : (minExclusive ? "> " : ">= ") + number(min);
    String hi = max == null ? null : (maxExclusive ? "< " : "<= ") + number(max);
    if (lo != null && hi != null && !minExclusive && !maxExclusive) {
      return number(min) + " to " + number(max);
    }
    if (lo != null && hi != null) {
      return lo + " and " + hi;
    }
    return lo != null ? lo : hi != null ? hi : "any";
  }

  private String expected() {
    switch (type) {
      case INT:
        return "an integer";
      case DOUBLE:
        return "a number";
      case BOOLEAN:
        return "true or false";
      default:
        return "a string";
    }
  }

  private static String describe(Object raw) {
    if (raw instanceof String) {
      return "a string";
    }
    if (raw instanceof Boolean) {
      return "a boolean";
    }
    if (raw instanceof Number) {
      return "a number";
    }
    return raw.getClass().getSimpleName().replace("Node", "").toLowerCase(Locale.ROOT);
  }

  private String number(double d) {
    if (type == Type.INT || (d == Math.rint(d) && Math.abs(d) < 1e15)) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private InvalidConfigException invalid(Object raw, String reason) {
    return new InvalidConfigException(name, raw, reason);
  }
}
