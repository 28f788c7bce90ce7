package dev.godotsignal.store;

/** The DynamoDB tables, named by the template (CONNECTIONS_TABLE, LOBBIES_TABLE). */
public record TableNames(String connections, String lobbies) {}
