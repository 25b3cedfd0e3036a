package io.kiwidb.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The exact bytes of the program's arguments, where the platform gives them.
 *
 * <p>The problem: the JVM hands {@code main} its arguments as Strings, decoded with the locale's
 * encoding ({@code sun.jnu.encoding}). A byte that does not decode (say {@code 0xff} under a UTF-8
 * locale, or any byte above 0x7f under the POSIX locale, where even {@code é} is lost) becomes
 * U+FFFD, and the original is gone: {@code kiwi put $'\xff' v} used to store the key {@code ef bf
 * bd}, silently.
 *
 * <p>The choice: an argument is bytes, and kiwi takes a key's or value's bytes exactly as the shell
 * passed them, as Unix tools do. On Linux the kernel keeps the process's original argument bytes in
 * {@code /proc/self/cmdline}; the arguments of {@code main} are its last entries (the {@code java}
 * command, its options and the module come first). They are checked against what the JVM decoded
 * (same number, same ASCII characters in the same order) before they are trusted. An argument whose
 * bytes are not valid UTF-8 is then represented in its String the way Python's {@code
 * surrogateescape} does: each undecodable byte {@code 0xNN} becomes the lone surrogate {@code
 * U+DCNN}, which valid UTF-8 never decodes to, so {@link #encode} gives the exact bytes back and
 * nothing else is affected.
 *
 * <p>Where the original bytes are not available (no {@code /proc}, or it does not match), an
 * argument the JVM decoded to U+FFFD is refused with an error naming it, since its bytes are not
 * known: keys and values can always be given with {@code --hex} or {@code --base64}, and a value
 * with {@code --value-file}.
 *
 * <p>Thread safety: stateless.
 */
final class ArgumentBytes {
  /** U+FFFD, what the JVM puts where an argument's bytes did not decode. */
  static final char REPLACEMENT = '\uFFFD';

  private static final Path CMDLINE = Path.of("/proc/self/cmdline");

  private ArgumentBytes() {}

  /** The arguments with their exact bytes, or the reason they cannot be trusted. */
  record Recovered(String[] args, String refusal) {}

  /**
   * The program's arguments with the exact bytes restored from this process's command line.
   *
   * @param args what the JVM gave {@code main}
   */
  static Recovered ofThisProcess(String[] args) {
    byte[] cmdline;
    try {
      cmdline = Files.isReadable(CMDLINE) ? Files.readAllBytes(CMDLINE) : null;
    } catch (IOException | SecurityException e) {
      cmdline = null;
    }
    return recover(args, cmdline, System.getProperty("sun.jnu.encoding", "unknown"));
  }

  /**
   * The arguments with the exact bytes taken from {@code cmdline} (the NUL-separated original
   * command line, or {@code null} where the platform does not give it).
   *
   * @param encoding the JVM's argument encoding, for the message when an argument is refused
   */
  static Recovered recover(String[] args, byte[] cmdline, String encoding) {
    List<byte[]> raw = cmdline == null ? null : split(cmdline);
    if (raw != null && raw.size() >= args.length) {
      List<byte[]> tail = raw.subList(raw.size() - args.length, raw.size());
      boolean same = true;
      for (int i = 0; i < args.length && same; i++) {
        same = skeleton(tail.get(i)).equals(skeleton(args[i]));
      }
      if (same) {
        String[] exact = new String[args.length];
        for (int i = 0; i < args.length; i++) {
          byte[] bytes = tail.get(i);
          exact[i] =
              Arrays.equals(bytes, args[i].getBytes(StandardCharsets.UTF_8))
                  ? args[i]
                  : decode(bytes);
        }
        return new Recovered(exact, null);
      }
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].indexOf(REPLACEMENT) >= 0) {
        return new Recovered(
            args,
            "argument "
                + (i + 1)
                + " ('"
                + args[i]
                + "') holds bytes that the platform's argument encoding ("
                + encoding
                + ") could not decode, and this platform does not give kiwi the original bytes;"
                + " write keys and values with --hex or --base64 (or the value with --value-file)"
                + " instead. If you meant the character U+FFFD itself, it is --hex efbfbd");
      }
    }
    return new Recovered(args, null);
  }

  /** The entries of a NUL-separated command line. */
  private static List<byte[]> split(byte[] cmdline) {
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        entries.add(Arrays.copyOfRange(cmdline, start, i));
        start = i + 1;
      }
    }
    if (start < cmdline.length) {
      entries.add(Arrays.copyOfRange(cmdline, start, cmdline.length));
    }
    return entries;
  }

  /**
   * The ASCII characters of an argument, in order, without '?': what survives every decoding the
   * JVM may have applied (non-ASCII bytes become U+FFFD or '?'), so a raw entry and the decoded
   * argument it belongs to have the same skeleton.
   */
  private static String skeleton(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length);
    for (byte b : raw) {
      if (b > 0 && b != '?') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  private static String skeleton(String decoded) {
    StringBuilder sb = new StringBuilder(decoded.length());
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c < 0x80 && c != '?') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Decodes bytes as UTF-8, writing each byte that is not part of a valid sequence as the lone
   * surrogate U+DC00 + byte (so {@link #encode} restores it).
   */
  static String decode(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isUnderflow()) {
        decoder.flush(out);
        break;
      }
      if (r.isError()) {
        for (int i = 0; i < r.length(); i++) {
          out.put((char) (0xDC00 | (in.get() & 0xff)));
        }
      } else {
        // Overflow cannot happen: UTF-8 never makes more chars than bytes.
        throw new IllegalStateException("UTF-8 decoding overflowed");
      }
    }
    out.flip();
    return out.toString();
  }

  /**
   * The bytes an argument stands for: UTF-8, except that a lone surrogate U+DC80..U+DCFF (an
   * undecodable byte kept by {@link #decode}) is that byte.
   *
   * @throws IllegalArgumentException naming {@code what} if the text holds any other lone
   *     surrogate, which has no UTF-8 form
   */
  static byte[] encode(String what, String text) {
    boolean plain = true;
    for (int i = 0; i < text.length() && plain; i++) {
      plain = !Character.isSurrogate(text.charAt(i));
    }
    if (plain) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.writeBytes(text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
        i++;
      } else if (c >= 0xDC80 && c <= 0xDCFF) {
        out.write(c & 0xff);
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            what
                + " '"
                + show(text)
                + "' holds an unpaired UTF-16 surrogate "
                + String.format(Locale.ROOT, "U+%04X", (int) c)
                + " at character "
                + (i + 1)
                + ", which has no UTF-8 form; use --hex or --base64");
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** The text for a message: every kept undecodable byte written as {@code \xNN}. */
  static String show(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0xDC80
          && c <= 0xDCFF
          && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        sb.append(String.format(Locale.ROOT, "\\x%02x", c & 0xff));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }
}
