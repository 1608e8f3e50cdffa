/**
 * The demo's built-in catalogue of common models, so a fresh machine can seed realistic data with nothing
 * from outside the repo. Launch prices are public list prices in fen; weights in kg.
 */
import type { FaultCode } from '../documents/documents.generated.ts';

export interface DemoModel {
  brand: string;
  model: string;
  category: string;
  launchMonth: string;
  launchPriceFen: number;
  weightKg: number;
  /** How common the model is among trade-ins (relative weight). */
  share: number;
}

// Fault pools per category. Every code has a phrase in the recycler's inspection sheet
// (adapters/recycler-inspections-csv/fault-phrases.ts; a test holds it), because the demo's inspections
// travel as that sheet. `no_power` is absent: it comes with the condition word 无法开机, as in the sheet.
// TV screens fail with their own screen codes; panel_display_fault is an appliance's control panel.
const PHONE_FAULTS = [
  'screen_scratch_minor',
  'screen_scratch_deep',
  'glass_cracked',
  'housing_scratch',
  'housing_dent',
  'battery_swollen',
  'camera_rear_fault',
  'speaker_fault',
  'charge_port_fault',
  'touch_fault',
  'display_shadow_burnin',
  'biometric_fault',
] as const satisfies readonly FaultCode[];
const COOLING_FAULTS = [
  'no_cooling',
  'compressor_fault',
  'refrigerant_leak',
  'door_seal_damaged',
  'noise_vibration',
  'rust_corrosion',
  'control_board_fault',
] as const satisfies readonly FaultCode[];
const WASHER_FAULTS = [
  'motor_drum_fault',
  'water_leak',
  'noise_vibration',
  'control_board_fault',
  'door_seal_damaged',
  'rust_corrosion',
] as const satisfies readonly FaultCode[];
const TV_FAULTS = ['display_lines', 'display_dead_pixel', 'control_board_fault', 'remote_missing'] as const satisfies readonly FaultCode[];
const HEATER_FAULTS = [
  'heating_fault',
  'ignition_fault',
  'water_leak',
  'electrical_leak',
  'rust_corrosion',
  'control_board_fault',
] as const satisfies readonly FaultCode[];
const LAPTOP_FAULTS = [
  'screen_scratch_minor',
  'housing_scratch',
  'housing_dent',
  'battery_swollen',
  'display_dead_pixel',
  'storage_fault',
] as const satisfies readonly FaultCode[];

/** Fault codes that occur for a category in the demo data. */
export const DEMO_FAULTS_BY_CATEGORY: Readonly<Record<string, readonly FaultCode[]>> = {
  mobile_phone: PHONE_FAULTS,
  tablet: PHONE_FAULTS,
  smartwatch_band: ['screen_scratch_minor', 'glass_cracked', 'battery_swollen', 'sensor_fault'],
  computer: LAPTOP_FAULTS,
  refrigerator: COOLING_FAULTS,
  air_conditioner: COOLING_FAULTS,
  washing_machine: WASHER_FAULTS,
  television: TV_FAULTS,
  water_heater: HEATER_FAULTS,
  range_hood: ['motor_drum_fault', 'noise_vibration', 'control_board_fault', 'rust_corrosion'],
};

export const DEMO_CATALOGUE: readonly DemoModel[] = [
  { brand: 'Apple', model: 'iPhone 11 64GB', category: 'mobile_phone', launchMonth: '2019-09', launchPriceFen: 549_900, weightKg: 0.194, share: 8 },
  { brand: 'Apple', model: 'iPhone 12 128GB', category: 'mobile_phone', launchMonth: '2020-10', launchPriceFen: 679_900, weightKg: 0.162, share: 9 },
  { brand: 'Apple', model: 'iPhone 13 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 599_900, weightKg: 0.173, share: 12 },
  { brand: 'Apple', model: 'iPhone 14 Pro 256GB', category: 'mobile_phone', launchMonth: '2022-09', launchPriceFen: 889_900, weightKg: 0.206, share: 6 },
  { brand: 'Apple', model: 'iPhone 15 128GB', category: 'mobile_phone', launchMonth: '2023-09', launchPriceFen: 599_900, weightKg: 0.171, share: 4 },
  { brand: '华为', model: 'Mate 40 Pro 256GB', category: 'mobile_phone', launchMonth: '2020-10', launchPriceFen: 649_900, weightKg: 0.212, share: 6 },
  { brand: '华为', model: 'P50 Pro 256GB', category: 'mobile_phone', launchMonth: '2021-07', launchPriceFen: 648_800, weightKg: 0.195, share: 5 },
  { brand: '华为', model: 'Mate 60 Pro 512GB', category: 'mobile_phone', launchMonth: '2023-08', launchPriceFen: 799_900, weightKg: 0.225, share: 3 },
  { brand: '华为', model: 'nova 9 128GB', category: 'mobile_phone', launchMonth: '2021-09', launchPriceFen: 269_900, weightKg: 0.175, share: 5 },
  { brand: '小米', model: 'Xiaomi 12 256GB', category: 'mobile_phone', launchMonth: '2021-12', launchPriceFen: 399_900, weightKg: 0.18, share: 5 },
  { brand: '小米', model: 'Xiaomi 13 256GB', category: 'mobile_phone', launchMonth: '2022-12', launchPriceFen: 429_900, weightKg: 0.185, share: 4 },
  { brand: '小米', model: 'Redmi K60 256GB', category: 'mobile_phone', launchMonth: '2022-12', launchPriceFen: 249_900, weightKg: 0.204, share: 4 },
  { brand: 'OPPO', model: 'Reno9 256GB', category: 'mobile_phone', launchMonth: '2022-11', launchPriceFen: 299_900, weightKg: 0.174, share: 4 },
  { brand: 'OPPO', model: 'Find X6 Pro 256GB', category: 'mobile_phone', launchMonth: '2023-03', launchPriceFen: 599_900, weightKg: 0.216, share: 2 },
  { brand: 'vivo', model: 'X90 256GB', category: 'mobile_phone', launchMonth: '2022-11', launchPriceFen: 399_900, weightKg: 0.196, share: 3 },
  { brand: 'vivo', model: 'iQOO 11 256GB', category: 'mobile_phone', launchMonth: '2022-12', launchPriceFen: 399_900, weightKg: 0.208, share: 3 },
  { brand: '荣耀', model: 'Magic5 Pro 512GB', category: 'mobile_phone', launchMonth: '2023-02', launchPriceFen: 599_900, weightKg: 0.219, share: 2 },
  { brand: 'Apple', model: 'iPad Air 5 64GB', category: 'tablet', launchMonth: '2022-03', launchPriceFen: 479_900, weightKg: 0.461, share: 3 },
  { brand: '华为', model: 'MatePad 11 128GB', category: 'tablet', launchMonth: '2021-06', launchPriceFen: 249_900, weightKg: 0.485, share: 2 },
  { brand: 'Apple', model: 'Watch Series 7 45mm', category: 'smartwatch_band', launchMonth: '2021-09', launchPriceFen: 319_900, weightKg: 0.039, share: 2 },
  { brand: 'Apple', model: 'MacBook Air M1 256GB', category: 'computer', launchMonth: '2020-11', launchPriceFen: 799_900, weightKg: 1.29, share: 3 },
  { brand: '联想', model: 'ThinkPad X1 Carbon Gen 9', category: 'computer', launchMonth: '2021-03', launchPriceFen: 1_199_900, weightKg: 1.13, share: 2 },
  { brand: '华为', model: 'MateBook 14 2021', category: 'computer', launchMonth: '2021-05', launchPriceFen: 629_900, weightKg: 1.49, share: 2 },
  { brand: '海尔', model: 'BCD-470WDPG', category: 'refrigerator', launchMonth: '2019-04', launchPriceFen: 399_900, weightKg: 85, share: 5 },
  { brand: '美的', model: 'BCD-516WKPZM', category: 'refrigerator', launchMonth: '2020-03', launchPriceFen: 329_900, weightKg: 92, share: 5 },
  { brand: '西门子', model: 'KA92NV02TI', category: 'refrigerator', launchMonth: '2017-05', launchPriceFen: 599_900, weightKg: 105, share: 3 },
  { brand: '海尔', model: 'EG100MATE2S', category: 'washing_machine', launchMonth: '2018-06', launchPriceFen: 219_900, weightKg: 68, share: 5 },
  { brand: '小天鹅', model: 'TG100V88WMUIADY5', category: 'washing_machine', launchMonth: '2020-08', launchPriceFen: 359_900, weightKg: 75, share: 4 },
  { brand: '海信', model: '65E3H', category: 'television', launchMonth: '2022-03', launchPriceFen: 329_900, weightKg: 19.5, share: 4 },
  { brand: 'TCL', model: '65V8E', category: 'television', launchMonth: '2022-05', launchPriceFen: 359_900, weightKg: 17.8, share: 4 },
  { brand: '小米', model: 'L65M7-EA', category: 'television', launchMonth: '2021-06', launchPriceFen: 299_900, weightKg: 18.1, share: 4 },
  { brand: '格力', model: 'KFR-35GW/NhGc1B', category: 'air_conditioner', launchMonth: '2019-03', launchPriceFen: 309_900, weightKg: 42, share: 5 },
  { brand: '美的', model: 'KFR-35GW/N8MJA3', category: 'air_conditioner', launchMonth: '2020-04', launchPriceFen: 279_900, weightKg: 40, share: 5 },
  { brand: '海尔', model: 'EC6001-MC3', category: 'water_heater', launchMonth: '2018-03', launchPriceFen: 149_900, weightKg: 21, share: 3 },
  { brand: '方太', model: 'CXW-258-JQ19TS', category: 'range_hood', launchMonth: '2019-09', launchPriceFen: 499_900, weightKg: 25, share: 2 },
];
