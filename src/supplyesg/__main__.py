from supplyesg.cli import main

main()
