package dev.encore.show;

/** Who may listen: anyone with the link, or holders of a signed join token. */
public enum AccessMode {
    OPEN, TOKEN
}
