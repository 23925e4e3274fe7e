import { TradeScreen } from '../../src/screens/trade';

export default TradeScreen;
