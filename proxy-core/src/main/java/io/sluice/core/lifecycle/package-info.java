/**
 * Process lifecycle: what happens to a failure no caller handles ({@link io.sluice.core.lifecycle.Failures}) and how
 * the daemon stops on SIGTERM ({@link io.sluice.core.lifecycle.GracefulShutdown}).
 */
package io.sluice.core.lifecycle;
