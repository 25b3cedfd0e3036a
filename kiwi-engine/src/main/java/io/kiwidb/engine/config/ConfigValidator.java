package io.kiwidb.engine.config;

import io.kiwidb.api.InvalidConfigException;

/**
 * An extra check {@link ConfigStore#update} runs on a candidate config before persisting it, for
 * rules the key registry cannot know, such as whether an implementation name is installed.
 */
@FunctionalInterface
public interface ConfigValidator {
  /**
   * @param key the key being changed
   * @param candidate the config as it would be after the change
   * @throws InvalidConfigException to reject the change; the store and file stay as they were
   */
  void validate(String key, EngineConfig candidate);
}
