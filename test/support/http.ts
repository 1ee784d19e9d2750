import { readFile } from 'node:fs/promises';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch with a JSON body (objects are serialised; strings are sent as they are). */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Uploads a CSV as multipart/form-data in `field` (the API expects `file`). */
export async function uploadCsv(
  baseUrl: string,
  path: string,
  csv: string | { file: string },
  field = 'file',
): Promise<JsonResponse> {
  const content = typeof csv === 'string' ? csv : await readFile(csv.file, 'utf8');
  const form = new FormData();
  form.append(field, new Blob([content], { type: 'text/csv' }), 'upload.csv');
  const response = await fetch(baseUrl + path, { method: 'POST', body: form });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
}
