// Turns on Node's compile cache, nothing else: the floor under the same loader settings as register.js.
require("node:module").enableCompileCache();
