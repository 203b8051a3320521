// Reads the shared vector files (Node).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { privateClaimsJson } from "./vectors.mjs";

const dir = fileURLToPath(new URL("../../../tests/vectors/", import.meta.url));
const read = (name) => JSON.parse(readFileSync(dir + name, "utf8"));

export function vectorFiles() {
  const signing = read("signing.json");
  return {
    signing, signingPrivateJson: privateClaimsJson(signing), valid: read("verify_valid.json"),
    negative: read("negative.json"), keys: read("keys.json"), d1: read("d1_guide_example.json"),
    rfc: read("rfc7515_a3.json"),
  };
}
