import { PII_DETECTORS } from '../src/privacy/detectors.ts';
import { prepareDetectionText } from '../src/privacy/normalise-text.ts';
import { decodeEmbedded } from '../src/privacy/embedded-encodings.ts';
for (const s of ['externalRef', 'newPurchase', 'GB_INFO_CLEARANCE_2025']) {
  const t = prepareDetectionText(s);
  const c = { latestBirthDate: 20991231, bareShapes: true };
  for (const d of PII_DETECTORS) { const st = performance.now(); for (let i = 0; i < 200; i++) d.mayMatch(t) && d.matches(t, c); const el = (performance.now() - st) / 200; if (el > 0.005) console.log(s, d.id, el.toFixed(4)); }
  let st = performance.now(); for (let i = 0; i < 200; i++) prepareDetectionText(s); console.log(s, 'prepare', ((performance.now() - st) / 200).toFixed(4));
  st = performance.now(); for (let i = 0; i < 200; i++) decodeEmbedded(s); console.log(s, 'decode', ((performance.now() - st) / 200).toFixed(4), JSON.stringify(decodeEmbedded(s)));
}
