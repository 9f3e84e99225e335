"""Pure domain: vocabularies, record schemas, validation, fiscal years and 和暦. No I/O, no Qt."""
