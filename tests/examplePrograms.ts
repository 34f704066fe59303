import * as existingCertificate from "../packages/compute/examples/existing-certificate";
import * as logKey from "../packages/core/examples/log-key";
import * as primaryAndReplicas from "../packages/database/examples/primary-and-replicas";
import * as alarms from "../packages/monitoring/examples/alarms";
import * as threeAzs from "../packages/networking/examples/three-azs";
import * as offlineCheck from "../packages/policy/examples/offline-check";
import * as componentTest from "../packages/testing/examples/component-test";

/**
 * Every example program, by `<package>/<scenario>`: tests/examples.test.ts runs each with its
 * assertions (and fails when one on disk is missing here), and test:system cfn-lints each.
 */
export const EXAMPLE_PROGRAMS: Readonly<Record<string, () => unknown>> = {
  "compute/existing-certificate": existingCertificate.program,
  "core/log-key": logKey.program,
  "database/primary-and-replicas": primaryAndReplicas.program,
  "monitoring/alarms": alarms.program,
  "networking/three-azs": threeAzs.program,
  "policy/offline-check": offlineCheck.program,
  "testing/component-test": componentTest.program,
};
