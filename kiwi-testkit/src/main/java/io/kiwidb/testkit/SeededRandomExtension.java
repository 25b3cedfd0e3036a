package io.kiwidb.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Injects a {@link SeededRandom} parameter into tests, prints its seed, and when the test fails
 * adds the seed and the replay command to the failure.
 *
 * <pre>{@code
 * @ExtendWith(SeededRandomExtension.class)
 * class MyTest {
 *   @Test void randomOps(SeededRandom random) { ... }
 * }
 * }</pre>
 */
public final class SeededRandomExtension
    implements ParameterResolver, TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(SeededRandomExtension.class);

  /** Creates the extension (JUnit does this). */
  public SeededRandomExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == SeededRandom.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    long seed = Seeds.seedFor(context.getUniqueId());
    context.getStore(NS).put("seed", seed);
    return new SeededRandom(seed);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    Long seed = context.getStore(NS).get("seed", Long.class);
    if (seed == null) {
      throw throwable;
    }
    AssertionError withSeed =
        new AssertionError(
            "failed with seed "
                + seed
                + " (replay: -D"
                + Seeds.PROPERTY
                + "="
                + seed
                + "): "
                + throwable,
            throwable);
    throw withSeed;
  }
}
