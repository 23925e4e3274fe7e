import { FaqScreen } from '../../src/screens/faq';

export default FaqScreen;
