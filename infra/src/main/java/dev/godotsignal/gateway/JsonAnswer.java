package dev.godotsignal.gateway;

/** An answer of an emulated AWS JSON-protocol API (SQS, SSM): HTTP status and JSON body. */
record JsonAnswer(int status, String body) {}
