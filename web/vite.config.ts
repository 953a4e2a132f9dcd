import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vitest/config";

// The page is built straight into the jar's classes folder, under the path the gateway serves
// from (io.parley.gateway.web.WebPage). Hashed file names under assets/ may be cached forever.
const OUT = "target/classes/io/parley/web";

/** files.txt: every file of the page, one path a line; the gateway serves these and nothing else. */
function fileList(): Plugin {
  return {
    name: "parley-file-list",
    writeBundle(options, bundle) {
      writeFileSync(join(options.dir!, "files.txt"), Object.keys(bundle).sort().join("\n") + "\n");
    },
  };
}

export default defineConfig({
  root: "src/main",
  base: "/",
  plugins: [fileList()],
  build: {
    outDir: `../../${OUT}`,
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    modulePreload: { polyfill: false },
  },
  test: {
    root: ".",
    include: ["src/test/ts/**/*.test.ts"],
    environment: "node",
  },
});
