package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Recovering the exact bytes of the program's arguments from the process's command line. */
@ExtendWith(SeededRandomExtension.class)
class ArgumentBytesTest {
  /** A NUL-separated command line as /proc/self/cmdline holds it. */
  private static byte[] cmdline(byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.writeBytes(e);
      out.write(0);
    }
    return out.toByteArray();
  }

  private static byte[] b(String ascii) {
    return ascii.getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] JAVA = b("/usr/bin/java");
  private static final byte[] MODULE = b("io.kiwidb.cli/io.kiwidb.cli.Main");

  @Test
  void aByteThatIsNotUtf8IsKeptInsteadOfBecomingUfffd() {
    // What the JVM gives main for `kiwi put k $'\xff'` under a UTF-8 locale.
    String[] jvm = {"put", "k", "\uFFFD"};
    byte[] line = cmdline(JAVA, b("-m"), MODULE, b("put"), b("k"), new byte[] {(byte) 0xff});
    ArgumentBytes.Recovered r = ArgumentBytes.recover(jvm, line, "UTF-8");
    assertNull(r.refusal());
    assertEquals("put", r.args()[0]);
    assertArrayEquals(new byte[] {(byte) 0xff}, ByteFormat.UTF8.parse("value", r.args()[2]));
    assertEquals("\\xff", ArgumentBytes.show(r.args()[2]));
  }

  @Test
  void utf8UnderThePosixLocaleIsRecovered() {
    // Under LC_ALL=C the JVM decodes arguments as ASCII: "é" (c3 a9) arrives as two U+FFFD.
    String[] jvm = {"get", "\uFFFD\uFFFD"};
    byte[] line = cmdline(JAVA, MODULE, b("get"), b("é"));
    ArgumentBytes.Recovered r = ArgumentBytes.recover(jvm, line, "ANSI_X3.4-1968");
    assertNull(r.refusal());
    assertEquals("é", r.args()[1]);
  }

  @Test
  void argumentsThatDecodedExactlyAreTheSameStrings() {
    String[] jvm = {"put", "ключ", "", "a b"};
    byte[] line = cmdline(JAVA, b("put"), b("ключ"), b(""), b("a b"));
    ArgumentBytes.Recovered r = ArgumentBytes.recover(jvm, line, "UTF-8");
    for (int i = 0; i < jvm.length; i++) {
      assertSame(jvm[i], r.args()[i]);
    }
  }

  @Test
  void withoutTheOriginalBytesAReplacedArgumentIsRefusedByPosition() {
    String[] jvm = {"put", "k\uFFFD", "v"};
    ArgumentBytes.Recovered r = ArgumentBytes.recover(jvm, null, "UTF-8");
    assertTrue(
        r.refusal()
            .startsWith(
                "argument 2 ('k\uFFFD') holds bytes that the platform's argument encoding (UTF-8)"
                    + " could not decode"),
        r.refusal());
    assertTrue(r.refusal().contains("--hex or --base64"), r.refusal());
    assertTrue(r.refusal().contains("--value-file"), r.refusal());
    assertNull(ArgumentBytes.recover(new String[] {"get", "k"}, null, "UTF-8").refusal());
  }

  @Test
  void aCommandLineThatDoesNotMatchTheArgumentsIsNotTrusted() {
    String[] jvm = {"put", "k", "\uFFFD"};
    // Different ASCII text: not this program's arguments (an embedding launcher, say).
    byte[] other = cmdline(JAVA, b("put"), b("x"), new byte[] {(byte) 0xff});
    assertTrue(ArgumentBytes.recover(jvm, other, "UTF-8").refusal() != null);
    // Fewer entries than arguments.
    byte[] shorter = cmdline(new byte[] {(byte) 0xff});
    assertTrue(ArgumentBytes.recover(jvm, shorter, "UTF-8").refusal() != null);
  }

  @Test
  void decodeAndEncodeRoundTripAnyBytes(SeededRandom random) {
    for (int i = 0; i < 5000; i++) {
      byte[] bytes = new byte[random.nextInt(12)];
      for (int j = 0; j < bytes.length; j++) {
        // Mostly the interesting range: ASCII, lead and continuation bytes.
        bytes[j] = (byte) (random.nextBoolean() ? 0x60 + random.nextInt(32) : random.nextInt(256));
      }
      String text = ArgumentBytes.decode(bytes);
      assertArrayEquals(bytes, ArgumentBytes.encode("key", text), () -> "round trip of " + text);
      String strict = ByteFormat.strictUtf8(bytes);
      if (strict != null) {
        assertEquals(strict, text, "valid UTF-8 decodes as usual");
      }
    }
  }
}
