import { useEffect, useState } from 'preact/hooks';
import { formatNumber } from '../shared/format.ts';
import { hubGraphql } from '../shared/hub-client.ts';
import type { Lang } from '../shared/lang.ts';
import { CATEGORY_NAMES, DISPOSITION_NAMES, nameOf } from '../shared/vocabulary.ts';
import { GREEN_POINTS_QUERY, type GreenDevice, type GreenPointsResult, type MyGreenPoints } from './green-points-queries.ts';
import { GREEN_POINTS_TEXTS, type GreenPointsTexts } from './green-points-texts.ts';

type Green = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'loaded'; devices: GreenDevice[]; points: MyGreenPoints };

/**
 * The consent centre's green-points section: the user's total, each device's verified kg CO2e and points,
 * and each month's points. It asks for them itself, so a failure here leaves the rest of the page standing;
 * `version` changes when the page reloads its data.
 */
export function GreenPointsSection({ token, lang, version }: { token: string; lang: Lang; version: unknown }) {
  const t = GREEN_POINTS_TEXTS[lang];
  const [green, setGreen] = useState<Green>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    hubGraphql<GreenPointsResult>(token, GREEN_POINTS_QUERY).then(
      ({ me }) => current && setGreen(me.__typename === 'Me' ? { kind: 'loaded', devices: me.records, points: me.greenPoints } : { kind: 'unavailable' }),
      () => current && setGreen({ kind: 'unavailable' }),
    );
    return () => {
      current = false;
    };
  }, [token, version]);

  return (
    <section id="green" aria-labelledby="green-heading">
      <h2 id="green-heading">{t.heading}</h2>
      {green.kind === 'loading' ? (
        <p aria-busy="true">{t.loading}</p>
      ) : green.kind === 'unavailable' ? (
        <p class="empty">{t.unavailable}</p>
      ) : (
        <GreenPointsBody devices={green.devices} points={green.points} lang={lang} t={t} />
      )}
    </section>
  );
}

const kgText = (kg: number, lang: Lang) => formatNumber(kg, lang, 3);

function GreenPointsBody({ devices, points, lang, t }: { devices: GreenDevice[]; points: MyGreenPoints; lang: Lang; t: GreenPointsTexts }) {
  return (
    <>
      <p>{t.intro(points.rule.pointsPerKg)}</p>
      <dl class="facts green-total">
        <dt>{t.totalPoints}</dt>
        <dd data-field="green-total-points">{t.points(points.totalPoints)}</dd>
        <dt>{t.totalCo2e}</dt>
        <dd data-field="green-total-co2e">{t.kg(kgText(points.co2eAvoidedKg, lang))}</dd>
      </dl>
      <h3>{t.devicesHeading}</h3>
      {devices.length === 0 ? (
        <p class="empty">{t.noDevices}</p>
      ) : (
        <>
          <div class="table-scroll">
            <table class="green-devices">
              <thead>
                <tr>
                  <th scope="col">{t.device}</th>
                  <th scope="col">{t.disposition}</th>
                  <th scope="col" class="num">
                    {t.co2e}
                  </th>
                  <th scope="col" class="num">
                    {t.devicePoints}
                  </th>
                </tr>
              </thead>
              <tbody>
                {devices.map((device, index) => (
                  <tr key={index} data-verified={String(device.greenPoints !== null)}>
                    <th scope="row">{`${nameOf(CATEGORY_NAMES, device.category, lang)} · ${device.brandName} ${device.model ?? ''}`.trim()}</th>
                    <td>{device.disposition === null ? '—' : nameOf(DISPOSITION_NAMES, device.disposition, lang)}</td>
                    <td class="num" data-field="co2e">
                      {device.co2eAvoidedKg === null ? <span class="muted">{t.pending}</span> : kgText(device.co2eAvoidedKg, lang)}
                    </td>
                    <td class="num" data-field="points">
                      {device.greenPoints === null ? <span class="muted">{t.pending}</span> : device.greenPoints}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {devices.some((device) => device.greenPoints === null) && <p class="muted">{t.pendingNote}</p>}
        </>
      )}
      <h3>{t.monthsHeading}</h3>
      {points.months.length === 0 ? (
        <p class="empty">{t.noMonths}</p>
      ) : (
        <div class="table-scroll">
          <table class="green-months">
            <thead>
              <tr>
                <th scope="col">{t.month}</th>
                <th scope="col" class="num">
                  {t.monthPoints}
                </th>
                <th scope="col" class="num">
                  {t.monthCo2e}
                </th>
              </tr>
            </thead>
            <tbody>
              {points.months.map((month) => (
                <tr key={month.period} data-period={month.period}>
                  <th scope="row">{month.period}</th>
                  <td class="num" data-field="points">
                    {month.points}
                  </td>
                  <td class="num">{kgText(month.co2eKg, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">{t.correction}</p>
    </>
  );
}
