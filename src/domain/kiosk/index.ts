export * from './pin';
export * from './pin-attempts';
export * from './kiosk-settings';
