/** A CSV download that is written to the activity log (who, which study, which file) before it is sent. */
import type { Request, Response } from 'express';
import type { Context } from '../services/context.ts';
import type { CsvFile } from '../services/results.ts';
import { record } from './auth.ts';
import { param, sendCsv } from './router.ts';

export async function sendLoggedCsv(ctx: Context, req: Request, res: Response, file: CsvFile | Promise<CsvFile>): Promise<void> {
  const csv = await file;
  const query = new URLSearchParams(req.query as Record<string, string>).toString();
  await record(ctx, res, 'export', { study: param(req, 'study'), detail: `${csv.filename}${query ? ` (${query.slice(0, 200)})` : ''}` });
  sendCsv(res, csv);
}
