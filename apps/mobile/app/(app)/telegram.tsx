import { TelegramScreen } from '../../src/screens/telegram';

export default TelegramScreen;
