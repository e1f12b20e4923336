/**
 * The transfer queue region. Transfers arrive with the transfer engine;
 * until then the region shows its columns and that nothing is queued.
 */
export function QueuePanel() {
  return (
    <section className="panel" aria-label="Transfer queue">
      <h2 className="panel-title">Transfer queue</h2>
      <div role="table" aria-label="Transfers" className="queue-table">
        <div role="rowgroup">
          <div role="row" className="queue-row queue-head">
            <span role="columnheader">File</span>
            <span role="columnheader">Direction</span>
            <span role="columnheader">Size</span>
            <span role="columnheader">Progress</span>
            <span role="columnheader">Status</span>
          </div>
        </div>
        <div role="rowgroup">
          <p className="panel-empty">No transfers.</p>
        </div>
      </div>
    </section>
  );
}
