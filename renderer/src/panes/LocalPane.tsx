import { useEffect } from 'react';
import { queueFromPanes } from '../queue/queueFromPanes';
import { loadLocalHome, useLocalPane } from '../stores/localPane';
import { useSession } from '../stores/session';
import { Pane } from './Pane';

/** This machine's files; selected ones upload to the remote pane's folder. */
export function LocalPane() {
  const connected = useSession((state) => state.site !== null);
  useEffect(() => {
    void loadLocalHome();
  }, []);

  return (
    <Pane
      side="local"
      usePane={useLocalPane}
      title="Local"
      enabled
      idleText=""
      transferLabel="Upload"
      canTransfer={connected}
      onTransfer={(names) => void queueFromPanes('upload', names)}
      onReceive={(names, sourceFolder) => void queueFromPanes('download', names, { sourceFolder })}
    />
  );
}
