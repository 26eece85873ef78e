/** Helpers for the kato:* shell commands of roles. */
package io.strato.api.shell;
