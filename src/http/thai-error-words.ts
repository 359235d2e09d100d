/**
 * What an error page says first, in Thai, by error code: the people who land on one are mostly citizens in the
 * middle of a sign-in. The English that follows keeps the details for the service's developers.
 */
export interface ThaiErrorWords {
  heading: string;
  message: string;
}

const byCode: Record<string, ThaiErrorWords> = {
  session_not_found: {
    heading: 'หน้าเข้าสู่ระบบนี้ใช้ต่อไม่ได้แล้ว',
    message: 'หน้านี้หมดอายุ ใช้ไปแล้ว หรือเปิดในเบราว์เซอร์อื่น กลับไปที่บริการที่กำลังเข้าใช้ แล้วเริ่มเข้าสู่ระบบใหม่',
  },
  invalid_client: {
    heading: 'บริการนี้เข้าสู่ระบบด้วย ThaID ไม่ได้',
    message: 'บริการนี้ไม่ได้ลงทะเบียนกับ ThaID หรือถูกระงับหรือยกเลิกการใช้งาน โปรดติดต่อหน่วยงานเจ้าของบริการ',
  },
  invalid_redirect_uri: {
    heading: 'ที่อยู่สำหรับกลับไปยังบริการไม่ได้ลงทะเบียนไว้',
    message: 'บริการนี้ขอให้ ThaID ส่งท่านไปยังที่อยู่ที่ไม่ได้ลงทะเบียนไว้ โปรดติดต่อหน่วยงานเจ้าของบริการ',
  },
  invalid_request: {
    heading: 'คำขอเข้าสู่ระบบไม่ถูกต้อง',
    message: 'บริการนี้ส่งคำขอที่ ThaID ดำเนินการไม่ได้ โปรดติดต่อหน่วยงานเจ้าของบริการ',
  },
};

const unavailable: ThaiErrorWords = {
  heading: 'ThaID ไม่พร้อมให้บริการชั่วคราว',
  message: 'โปรดลองใหม่อีกครั้งในอีกสักครู่',
};

const fallback: ThaiErrorWords = {
  heading: 'ดำเนินการต่อไม่ได้',
  message: 'กลับไปที่บริการที่กำลังเข้าใช้ แล้วเริ่มใหม่',
};

/** The Thai words for an error page, by its code and status. */
export function thaiErrorWords(code: string, status: number): ThaiErrorWords {
  return byCode[code] ?? (status >= 500 || code === 'temporarily_unavailable' ? unavailable : fallback);
}
