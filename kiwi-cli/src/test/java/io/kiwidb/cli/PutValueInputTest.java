package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put <key> -} and {@code put <key> --value-file <path>}: a value of any bytes and any size
 * up to the limit, one-shot, without having to fit it into an argument.
 */
class PutValueInputTest {
  @TempDir Path dir;
  FakeStorageEngine engine;
  Path data;

  @BeforeEach
  void setUp() throws IOException {
    engine = new FakeStorageEngine(dir);
    data = Files.createDirectory(dir.resolve("data"));
  }

  private CliRun kiwi(byte[] stdin, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = args[0];
    all[1] = "--data=" + data;
    System.arraycopy(args, 1, all, 2, args.length - 1);
    return CliRun.run(engine.opener(), stdin, all);
  }

  private CliRun kiwi(String... args) {
    return kiwi(new byte[0], args);
  }

  private String storedHex(String key) {
    CliRun get = kiwi("get", "--hex", HexFormat.of().formatHex(key.getBytes(UTF8)));
    assertEquals(0, get.code(), get::toString);
    return get.out().strip();
  }

  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  private static byte[] everyByte() {
    byte[] b = new byte[256 * 3];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void aValueFileIsStoredByteForByte() throws IOException {
    Path file = Files.write(dir.resolve("value.bin"), everyByte());
    CliRun put = kiwi("put", "k", "--value-file", file.toString());
    assertEquals(0, put.code(), put::toString);
    assertEquals("OK\n", put.out());
    assertEquals(HexFormat.of().formatHex(everyByte()), storedHex("k"));
    // The format is for arguments and output; the file is bytes whatever it says.
    Path text = Files.writeString(dir.resolve("text"), "not hex\n");
    assertEquals(0, kiwi("put", "--hex", "6b32", "--value-file", text.toString()).code());
    assertEquals(HexFormat.of().formatHex("not hex\n".getBytes(UTF8)), storedHex("k2"));
  }

  @Test
  void dashReadsTheValueFromStandardInputByteForByte() {
    CliRun put = kiwi(everyByte(), "put", "k", "-");
    assertEquals(0, put.code(), put::toString);
    assertEquals(HexFormat.of().formatHex(everyByte()), storedHex("k"));
    assertEquals(0, kiwi(new byte[] {1, 2}, "put", "k2", "--value-file", "-").code());
    assertEquals("0102", storedHex("k2"));
    assertEquals(0, kiwi(new byte[0], "put", "empty", "-").code(), "empty input, empty value");
    assertEquals("", storedHex("empty"));
    // The one-byte value "-" itself is written in hex.
    assertEquals(0, kiwi("put", "--hex", "6b33", "2d").code());
    assertEquals("2d", storedHex("k3"));
  }

  @Test
  void aFileLargerThanTheValueLimitIsRefusedBeforeAnythingIsReadOrOpened() throws IOException {
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(Limits.MAX_VALUE_BYTES + 1L); // sparse: nothing is written
    }
    CliRun run = kiwi("put", "k", "--value-file", big.toString());
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals(
        "kiwi: --value-file "
            + big
            + " is 16777217 bytes: the limit for a value is 16777216 bytes (16 MiB)\n",
        run.err());
    assertEquals(0, engine.opens, "the store is not opened for a value it cannot take");
  }

  @Test
  void standardInputLargerThanTheValueLimitIsRefused() {
    CliRun run = kiwi(new byte[Limits.MAX_VALUE_BYTES + 1], "put", "k", "-");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals(
        "kiwi: the value on standard input is more than 16777216 bytes: the limit for a value is"
            + " 16777216 bytes (16 MiB)\n",
        run.err());
    assertEquals(0, engine.opens);
    CliRun exact = kiwi(new byte[Limits.MAX_VALUE_BYTES], "put", "k", "-");
    assertEquals(0, exact.code(), "exactly the limit is fine: " + exact);
  }

  @Test
  void aMissingOrDoubleValueIsAUsageError() throws IOException {
    CliRun none = kiwi("put", "k");
    assertEquals(ExitCodes.USAGE, none.code(), none::toString);
    assertEquals(
        "kiwi: Missing required parameter: '<value>' (or - to read it from standard input, or"
            + " --value-file <path>)\nTry 'kiwi put --help'.\n",
        none.err());
    Path file = Files.writeString(dir.resolve("v"), "x");
    CliRun both = kiwi("put", "k", "v", "--value-file", file.toString());
    assertEquals(ExitCodes.USAGE, both.code(), both::toString);
    assertTrue(
        both.err().startsWith("kiwi: give the value once: as <value> ('v') or with"),
        both::toString);
    CliRun missing = kiwi("put", "k", "--value-file", dir.resolve("nope").toString());
    assertEquals(ExitCodes.USAGE, missing.code(), missing::toString);
    assertEquals("kiwi: --value-file " + dir.resolve("nope") + ": no such file\n", missing.err());
    CliRun directory = kiwi("put", "k", "--value-file", dir.toString());
    assertEquals("kiwi: --value-file " + dir + " is a directory, not a file\n", directory.err());
    assertEquals(0, engine.opens);
  }

  /** Reading commands never touch standard input: a pipe given to get is left as it was. */
  @Test
  void readingCommandsDoNotReadStandardInput() {
    assertEquals(0, kiwi("put", "k", "v").code());
    ByteArrayInputStream stdin = new ByteArrayInputStream(new byte[] {1, 2, 3});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (List<String> args :
        List.of(List.of("get", "k"), List.of("scan"), List.of("stats"), List.of("trace", "k"))) {
      List<String> all = new java.util.ArrayList<>(args);
      all.add(1, "--data=" + data);
      int code =
          Main.run(
              engine.opener(),
              stdin,
              out,
              new ByteArrayOutputStream(),
              false,
              all.toArray(String[]::new));
      assertEquals(0, code, args::toString);
      assertEquals(3, stdin.available(), args + " left standard input alone");
    }
  }
}
