/** Pages that only say something went wrong or is missing. */
import { layout } from './layout.js';
import { escapeHtml } from './marked.js';

const HOME = '<p><a href="/">العودة إلى صفحة البحث</a></p>';

export function notFoundPage(what: string): string {
  return layout({
    title: 'غير موجود — فهرس',
    body: `<div class="notice not-found"><h1>غير موجود</h1><p>${escapeHtml(what)}</p>${HOME}</div>`,
  });
}

export function unavailablePage(): string {
  return layout({
    title: 'الخدمة غير جاهزة — فهرس',
    body: `<div class="notice error" role="alert"><h1>الخدمة غير جاهزة</h1><p>يجري تحميل الفهرس. أعد المحاولة بعد لحظات.</p></div>`,
  });
}

/** A request the document view cannot answer: a bad id or query parameter. */
export function badRequestPage(message: string): string {
  return layout({ title: 'طلب غير صالح — فهرس', body: `<div class="notice error" role="alert"><h1>طلب غير صالح</h1><p dir="auto">${escapeHtml(message)}</p></div>` });
}

/** Any other failure of a page request, by its status (the message is one a client may see). */
export function errorPage(status: number, message: string): string {
  const heading = status >= 500 ? 'حدث خطأ في الخادم' : 'طلب غير صالح';
  return layout({ title: 'خطأ — فهرس', body: `<div class="notice error" role="alert"><h1>${heading}</h1><p dir="auto">${escapeHtml(message)}</p>${HOME}</div>` });
}
