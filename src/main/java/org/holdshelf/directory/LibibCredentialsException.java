package org.holdshelf.directory;

/** Libib answered 401 or 403: the API key or user is wrong; asking again cannot help. */
public class LibibCredentialsException extends RuntimeException {

    public LibibCredentialsException(String message) {
        super(message);
    }
}
