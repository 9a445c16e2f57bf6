package org.holdshelf.platform.config;

/** A setting is missing or malformed; the message names the key and its environment variable. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }
}
