package io.kiwidb.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The output options every engine command takes: {@code --json} and the key/value format. */
final class OutputOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--json", description = "Print JSON instead of text (one document per command).")
  boolean json;

  @Option(names = "--hex", description = "Keys and values are hex, in arguments and in output.")
  boolean hex;

  @Option(
      names = "--base64",
      description = "Keys and values are base64, in arguments and in output.")
  boolean base64;

  @Option(
      names = "--format",
      paramLabel = "utf8|hex|base64",
      converter = FormatConverter.class,
      description = "Key and value format (default: utf8 text).")
  ByteFormat format;

  /** The format chosen on this command line, or {@code fallback}. */
  ByteFormat format(ByteFormat fallback) {
    int chosen = (hex ? 1 : 0) + (base64 ? 1 : 0) + (format != null ? 1 : 0);
    if (chosen > 1) {
      throw new ParameterException(
          mixee.commandLine(), "choose one of --hex, --base64 and --format, not several");
    }
    return hex ? ByteFormat.HEX : base64 ? ByteFormat.BASE64 : format != null ? format : fallback;
  }

  boolean json(boolean fallback) {
    return json || fallback;
  }

  /** Converts {@code --format} values, naming the accepted ones on a mistake. */
  static final class FormatConverter implements ITypeConverter<ByteFormat> {
    @Override
    public ByteFormat convert(String value) {
      return ByteFormat.named(value);
    }
  }
}
