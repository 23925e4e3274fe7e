import { PositionsScreen } from '../../src/screens/positions';

export default PositionsScreen;
