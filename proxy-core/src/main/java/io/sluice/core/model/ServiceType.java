package io.sluice.core.model;

/** The Service types Sluice programs. ExternalName and headless services never reach the model. */
public enum ServiceType {
    ClusterIP, NodePort, LoadBalancer
}
