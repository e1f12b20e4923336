import { Dialog, initialFocus } from './Dialog';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  /** The safe answer's label, where "Cancel" would be ambiguous. */
  cancelLabel?: string;
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
          {props.cancelLabel ?? 'Cancel'}
        </button>
      </div>
    </Dialog>
  );
}
