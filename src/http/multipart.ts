/**
 * A small multipart/form-data reader for forms that send a file (the audit's CSV upload): the
 * raw body (express.raw) in, the text fields and the files' contents as UTF-8 text out, as one
 * plain object that the route and the CSRF check read like a urlencoded body. A part with a
 * filename gives its content under its field name; an empty file field gives ''.
 */
import type { RequestHandler } from 'express';
import express from 'express';
import { problems } from '../errors.ts';
import { BODY_LIMIT } from './errors.ts';

const MAX_PARTS = 20;

export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw problems.invalidInput('The form upload has no multipart boundary.');
  // latin1 maps every byte to one character, so splitting keeps the bytes; each value is decoded as UTF-8 after.
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const pieces = text.split(delimiter);
  if (pieces.length < 2) throw problems.invalidInput('The form upload is not multipart/form-data.');
  let parts = 0;
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break; // the closing delimiter
    if ((parts += 1) > MAX_PARTS) throw problems.tooManyFields();
    const part = piece.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) throw problems.invalidInput('A part of the form upload has no headers.');
    const headers = part.slice(0, end);
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || name === '__proto__') continue;
    fields[name] = Buffer.from(part.slice(end + 4), 'latin1').toString('utf8');
  }
  return { ...fields };
}

/** Middleware: a multipart/form-data body becomes `req.body` as plain text fields; other bodies pass. */
export function multipartFields(): RequestHandler[] {
  return [
    express.raw({ type: 'multipart/form-data', limit: BODY_LIMIT }),
    (req, _res, next) => {
      if (!req.is('multipart/form-data') || !Buffer.isBuffer(req.body)) return next();
      try {
        req.body = parseMultipart(req.body, req.get('content-type') ?? '');
        next();
      } catch (error) {
        next(error);
      }
    },
  ];
}
