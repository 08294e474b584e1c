package org.otaplatform.plan.plan;

/** SILENT: the platform pushes; MANUAL: an application confirms for the end user first. */
public enum PlanMode {
    SILENT,
    MANUAL
}
