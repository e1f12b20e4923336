import type { FerryBridge } from '../../shared/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload, or by browser mode's bridge script. */
    readonly ferry: FerryBridge;
  }
}
