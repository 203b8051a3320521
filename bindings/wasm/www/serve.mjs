// The workbench's static server, 127.0.0.1 only, offline: `node www/serve.mjs [PORT]` from
// bindings/wasm, then open http://127.0.0.1:PORT/www/. Serves this package's files, with `.wasm`
// as application/wasm, and the repository's tests/vectors under /vectors/ (for the browser tests).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const vectors = fileURLToPath(new URL("../../../tests/vectors/", import.meta.url));
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css", ".ts": "text/plain" };

/** Start the server on 127.0.0.1:`port` (0: any free port); `extra` maps paths to HTML pages. */
export function serve(port = 0, extra = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (extra[path]) { res.writeHead(200, { "content-type": types[".html"] }).end(extra[path]); return; }
    const [base, rest] = path.startsWith("/vectors/") ? [vectors, path.slice(9)] : [root, path.slice(1)];
    const file = normalize(join(base, rest.endsWith("/") || rest === "" ? `${rest}index.html` : rest));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] ?? 8787));
  console.log(`bearerkit-wasm workbench: http://127.0.0.1:${server.address().port}/www/`);
}
