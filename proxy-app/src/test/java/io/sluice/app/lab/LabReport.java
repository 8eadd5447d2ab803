package io.sluice.app.lab;

/** Placeholder replaced below. */
public final class LabReport {
    public static void main(String[] args) {
    }
}
