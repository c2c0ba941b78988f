/**
 * Opens an event log of either form: .evtx (by its "ElfFile" signature) or text XML (anything
 * whose first bytes look like XML). Legacy .evt files and other input get a clear error.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { RdpdiagError, ErrorCode } from '../core/errors.js';
import { isEvtxFileMagic } from './file-header.js';
import { readEvtxFile, type LogItem } from './evtx-reader.js';
import { readXmlEventFile } from './xml-reader.js';

export type EventLogFormat = 'evtx' | 'xml';

/** The format of the file at `path`; throws an RdpdiagError when it is neither form or cannot be read. */
export function eventLogFormat(path: string): EventLogFormat {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? ErrorCode.FILE_NOT_FOUND : ErrorCode.FILE_UNREADABLE;
    throw new RdpdiagError(code, `${path}: cannot open (${(e as Error).message})`, path);
  }
  const head = new Uint8Array(512);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } catch (e) {
    throw new RdpdiagError(ErrorCode.FILE_UNREADABLE, `${path}: cannot read (${(e as Error).message})`, path);
  } finally {
    closeSync(fd);
  }
  if (isEvtxFileMagic(head.subarray(0, n))) return 'evtx';
  if (n >= 8 && head[4] === 0x4c && head[5] === 0x66 && head[6] === 0x4c && head[7] === 0x65) {
    throw new RdpdiagError(ErrorCode.FILE_UNREADABLE, `${path}: a legacy .evt log (Windows XP/2003), not read; open it in Event Viewer and save it as .evtx or XML`, path);
  }
  let s = Buffer.from(head.subarray(0, n)).toString('latin1').replace(/\0/g, '');
  s = s.replace(/^\u00ef\u00bb\u00bf|^\u00ff\u00fe|^\u00fe\u00ff/, '').trimStart();
  if (s.startsWith('<')) return 'xml';
  throw new RdpdiagError(ErrorCode.FILE_UNREADABLE, `${path}: neither an .evtx event log nor event XML (wevtutil qe /f:xml, Event Viewer "Save as XML")`, path);
}

/** Events and warnings of an event log file of either form, read with bounded memory. */
export function readEventLog(path: string, name = path): Generator<LogItem> {
  return eventLogFormat(path) === 'evtx' ? readEvtxFile(path, name) : readXmlEventFile(path, name);
}
