/**
 * kg CO2e avoided per traded-in device, hub-computed (never accepted from partners). Versioned: every
 * figure the hub releases names the factor set it used. Sources: shared/reference/domain.md §7.
 */
export const CARBON_FACTOR_SET = 'tradein-hub-co2e-2026.1';

/** Extra years of use assumed for a device resold or refurbished (domain.md §7: "configurable, e.g. 2"). */
export const EXTRA_YEARS_OF_USE = 2;

/** kg CO2e avoided per year of extended use (ADEME 2022: phone 24.6, laptop 27; tablet/watch/glasses use the phone figure as a labelled proxy). */
export const REUSE_KG_PER_YEAR: Readonly<Record<string, number>> = {
  mobile_phone: 24.6,
  tablet: 24.6,
  smartwatch_band: 24.6,
  smart_glasses: 24.6,
  computer: 27,
};

/** kg CO2e avoided per kg of appliance dismantled and recycled (2023 industry statistic, domain.md §7). */
export const DISMANTLING_KG_PER_KG = 4.7;

/** GWP100 (IPCC AR4) of recovered refrigerants; R-600a ≈ 3, R290 ≈ 3 (hydrocarbons). */
export const REFRIGERANT_GWP: Readonly<Record<string, number>> = {
  R12: 10_900,
  R22: 1_810,
  R134a: 1_430,
  R410A: 2_088,
  R32: 675,
  R600a: 3,
  R290: 3,
};

/**
 * The SQL expression for one record's kg CO2e avoided, over the aliases `r` (record), `d` (latest
 * disposition). Built from the constants above so the SQL and the documentation cannot disagree.
 */
export function co2eAvoidedSql(): string {
  const reuse = Object.entries(REUSE_KG_PER_YEAR)
    .map(([category, factor]) => `when '${category}' then ${factor * EXTRA_YEARS_OF_USE}`)
    .join(' ');
  const gwp = Object.entries(REFRIGERANT_GWP)
    .map(([type, value]) => `when '${type}' then ${value}`)
    .join(' ');
  return `(case
    when d.disposition in ('resold_as_is', 'refurbished') then (case r.category ${reuse} else 0 end)
    when d.disposition = 'dismantled_recycled' then coalesce(d.weight_kg, 0) * ${DISMANTLING_KG_PER_KG}
      + coalesce(d.refrigerant_recovered_g, 0) / 1000.0 * (case d.refrigerant_type ${gwp} else 0 end)
    else 0 end)`;
}
