import * as secp from "@noble/secp256k1";
import { EnrCreator, EnrDecoder } from "@waku/enr";
import { EnrEncoder } from "./node_modules/@waku/enr/dist/encoder.js";
const priv = secp.utils.randomPrivateKey();
for (const v of [[0x50], [], [0x1f, 0x90]]) {
  const enr = EnrCreator.fromPublicKey(secp.getPublicKey(priv, true));
  enr.set("tcp", new Uint8Array(v)); enr.seq = 1n;
  const txt = await EnrEncoder.toString(enr, priv);
  try { const d = await EnrDecoder.fromString(txt); console.log(v, "->", d.tcp); } catch (e) { console.log(v, "throws", e.message); }
}
// seq 0 and seq 300 in js encoder
for (const s of [0n, 255n, 300n]) {
  const enr = EnrCreator.fromPublicKey(secp.getPublicKey(priv, true)); enr.seq = s;
  const txt = await EnrEncoder.toString(enr, priv);
  const d = await EnrDecoder.fromString(txt); console.log("seq", s, "->", d.seq);
}
