// Loaded by .mocharc.system.json before any spec: a missing server fails the run with one line.
import { requirePrerequisites } from "./prerequisites";

requirePrerequisites("npm run test:system");
