from api.core.errors import error_type, mutation_result
from sms.error_codes import SmsErrorCode

SmsErrorCodeEnum, SmsError = error_type("SmsError", SmsErrorCode)
SmsResult = mutation_result(SmsError)
