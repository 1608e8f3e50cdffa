import type { FaultCode } from '../../src/documents/documents.generated.ts';

/**
 * The recycler's inspection phrases (质检结果, separated by ; ； 、 , ，) → fault codes of the schema enum.
 * Phrases that do not say which part failed are left out on purpose and get reported: 按键失灵 could be
 * the power, volume or home button, and guessing one would corrupt the fault rates brands study.
 * 显示屏故障 appears only on appliances in this recycler's sheets, where it is the control panel display;
 * screens of phones and TVs have their own phrases (屏幕…).
 */
export const FAULT_PHRASES: Readonly<Record<string, FaultCode>> = {
  // screens and housings
  屏幕划痕: 'screen_scratch_minor',
  屏幕轻微划痕: 'screen_scratch_minor',
  屏幕明显划痕: 'screen_scratch_deep',
  屏幕深度划痕: 'screen_scratch_deep',
  屏幕崩角: 'glass_chipped',
  屏幕碎裂: 'glass_cracked',
  屏幕破裂: 'glass_cracked',
  屏幕亮点: 'display_dead_pixel',
  屏幕坏点: 'display_dead_pixel',
  屏幕烧屏: 'display_shadow_burnin',
  屏幕残影: 'display_shadow_burnin',
  屏幕线条: 'display_lines',
  触摸失灵: 'touch_fault',
  外壳划痕: 'housing_scratch',
  外壳磕碰: 'housing_dent',
  边框变形: 'frame_bent',
  中框弯曲: 'frame_bent',
  // power and battery
  无法开机: 'no_power',
  反复重启: 'boot_loop',
  电池鼓包: 'battery_swollen',
  非原装电池: 'battery_non_original',
  // cameras, audio, radios
  后摄像头故障: 'camera_rear_fault',
  后置摄像头故障: 'camera_rear_fault',
  前摄像头故障: 'camera_front_fault',
  前置摄像头故障: 'camera_front_fault',
  摄像头镜片碎裂: 'camera_lens_cracked',
  扬声器故障: 'speaker_fault',
  听筒故障: 'earpiece_fault',
  麦克风故障: 'mic_fault',
  通话故障: 'call_fault',
  信号弱: 'signal_weak',
  WIFI故障: 'wifi_fault',
  无线局域网故障: 'wifi_fault',
  蓝牙故障: 'bt_fault',
  定位故障: 'gps_fault',
  NFC故障: 'nfc_fault',
  指纹故障: 'biometric_fault',
  面容识别故障: 'biometric_fault',
  电源键故障: 'button_power',
  音量键故障: 'button_volume',
  充电口故障: 'charge_port_fault',
  振动故障: 'vibration_fault',
  传感器故障: 'sensor_fault',
  进水: 'water_damage_ldi_tripped',
  已ROOT: 'rooted_jailbroken',
  越狱: 'rooted_jailbroken',
  存储故障: 'storage_fault',
  // appliances
  不制冷: 'no_cooling',
  压缩机故障: 'compressor_fault',
  冷媒泄漏: 'refrigerant_leak',
  电机故障: 'motor_drum_fault',
  漏水: 'water_leak',
  漏电: 'electrical_leak',
  主板故障: 'control_board_fault',
  控制板故障: 'control_board_fault',
  显示屏故障: 'panel_display_fault',
  不加热: 'heating_fault',
  点火故障: 'ignition_fault',
  噪音大: 'noise_vibration',
  异响: 'noise_vibration',
  门封老化: 'door_seal_damaged',
  门封损坏: 'door_seal_damaged',
  锈蚀: 'rust_corrosion',
  遥控器缺失: 'remote_missing',
};

/** Phrases that state that nothing was found. */
export const NO_FAULT_PHRASES: ReadonlySet<string> = new Set(['无异常', '正常', '无', '无故障', '良好']);

/** `电池健康度78%` inside the fault text is a measurement, not a fault. */
export const BATTERY_PHRASE = /^电池健康度?[:：]?(\d{1,3})%$/;

/** Canonical form for lookups: NFKC, no spaces, upper-case Latin letters (WiFi故障 = WIFI故障). */
export function phraseKey(phrase: string): string {
  return phrase.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}
