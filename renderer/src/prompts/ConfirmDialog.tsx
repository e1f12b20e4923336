import { Dialog, initialFocus } from './Dialog';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks a yes/no question; the safe answer (Cancel) has focus first. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <Dialog title={props.title} onCancel={props.onCancel}>
      <p className="dialog-message">{props.message}</p>
      <div className="dialog-buttons">
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" {...initialFocus} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
