import { VerifyEmailScreen } from '../src/screens/verify-email';

export default VerifyEmailScreen;
